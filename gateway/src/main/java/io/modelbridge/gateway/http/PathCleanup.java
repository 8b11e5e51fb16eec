package io.modelbridge.gateway.http;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.regex.Pattern;

/**
 * Clients of the seed product build URLs by string concatenation: {@code http://host:8080//v1/chat/completions}
 * or a trailing slash. Such paths are served as their clean form.
 */
final class PathCleanup {
    private static final Pattern SLASHES = Pattern.compile("/{2,}");

    private PathCleanup() {}

    static void handle(ServerRequest req, ServerResponse res) {
        String path = req.path().rawPath();
        String clean = clean(path);
        if (clean.equals(path)) {
            res.next();
        } else {
            res.reroute(clean);
        }
    }

    /** Runs of slashes as one, no trailing slash; the path itself when it is clean (every request: no regex then). */
    static String clean(String path) {
        boolean trailing = path.length() > 1 && path.endsWith("/");
        if (!trailing && !path.contains("//")) {
            return path;
        }
        String clean = SLASHES.matcher(path).replaceAll("/");
        return clean.length() > 1 && clean.endsWith("/") ? clean.substring(0, clean.length() - 1) : clean;
    }
}
