package io.modelbridge.gateway.http;

import io.helidon.webserver.http.ServerRequest;

/** Which requests are OpenAI API calls: their paths start with /v1 (the portal and health probes do not). */
final class ApiPaths {
    private ApiPaths() {}

    /** Whether the path is {@code /v1} or under it, runs of slashes read as one (as PathCleanup will serve it). */
    static boolean isApi(ServerRequest req) {
        return isApi(req.path().rawPath());
    }

    static boolean isApi(String rawPath) {
        int start = 0;
        while (start < rawPath.length() && rawPath.charAt(start) == '/') {
            start++;
        }
        int end = start + 2;
        return start > 0 && rawPath.startsWith("v1", start) && (rawPath.length() == end || rawPath.charAt(end) == '/');
    }
}
