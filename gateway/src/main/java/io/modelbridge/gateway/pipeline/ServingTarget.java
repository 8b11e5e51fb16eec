package io.modelbridge.gateway.pipeline;

import io.modelbridge.gateway.routing.Target;

/** The target an attempt goes to, and the plugin version serving it ({@code "openai@1.0.2"}). */
public record ServingTarget(Target target, String plugin) {}
