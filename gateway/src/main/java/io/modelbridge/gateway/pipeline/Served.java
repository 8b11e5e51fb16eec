package io.modelbridge.gateway.pipeline;

import io.modelbridge.gateway.routing.Target;

/** The result of a call and the target that produced it. */
public record Served<T>(Target target, T value) {}
