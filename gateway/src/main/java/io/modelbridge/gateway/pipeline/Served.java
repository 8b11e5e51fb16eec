package io.modelbridge.gateway.pipeline;

import io.modelbridge.gateway.routing.Target;

/** The result of a call and where it came from. */
public record Served<T>(Trying via, T value) {
    public Target target() {
        return via.target();
    }
}
