package io.modelbridge.gateway.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.pipeline.ServingTarget;
import java.util.Map;

/** The response headers that say which alias target, and which plugin version, served the request. */
final class TargetHeaders {
    private TargetHeaders() {}

    static Map<String, String> of(ServingTarget servedBy) {
        return Map.of("x-modelbridge-channel", servedBy.target().channel().name(),
                "x-modelbridge-upstream-model", servedBy.target().upstreamModel(),
                "x-modelbridge-plugin", servedBy.plugin());
    }

    static void set(ServerResponse res, ServingTarget servedBy) {
        of(servedBy).forEach((name, value) -> res.header(HeaderNames.create(name), value));
    }
}
