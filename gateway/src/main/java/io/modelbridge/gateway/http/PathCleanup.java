package io.modelbridge.gateway.http;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Clients of the seed product build URLs by string concatenation: {@code http://host:8080//v1/chat/completions}
 * or a trailing slash. Such paths are served as their clean form.
 */
final class PathCleanup {
    private PathCleanup() {}

    static void handle(ServerRequest req, ServerResponse res) {
        String path = req.path().rawPath();
        String clean = path.replaceAll("/{2,}", "/");
        if (clean.length() > 1 && clean.endsWith("/")) {
            clean = clean.substring(0, clean.length() - 1);
        }
        if (clean.equals(path)) {
            res.next();
        } else {
            res.reroute(clean);
        }
    }
}
