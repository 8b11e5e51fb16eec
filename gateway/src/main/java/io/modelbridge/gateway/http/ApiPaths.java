package io.modelbridge.gateway.http;

import io.helidon.webserver.http.ServerRequest;

/** Which requests are OpenAI API calls: their paths start with /v1 (the portal and health probes do not). */
final class ApiPaths {
    private ApiPaths() {}

    static boolean isApi(ServerRequest req) {
        String path = req.path().rawPath().replaceAll("/{2,}", "/"); // as PathCleanup will serve it
        return path.equals("/v1") || path.startsWith("/v1/");
    }
}
