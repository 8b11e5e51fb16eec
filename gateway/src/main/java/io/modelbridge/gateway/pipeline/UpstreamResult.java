package io.modelbridge.gateway.pipeline;

import io.modelbridge.gateway.routing.Target;

/** What an upstream call returned, and the target and plugin that served it. */
public record UpstreamResult<T>(ServingTarget servedBy, T value) {
    public Target target() {
        return servedBy.target();
    }
}
