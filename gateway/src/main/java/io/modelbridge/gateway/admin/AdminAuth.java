package io.modelbridge.gateway.admin;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.ErrorWriter;
import java.security.MessageDigest;
import java.util.Map;

/** Lets a request through only with {@code Authorization: Bearer <admin token>}, compared in constant time. */
final class AdminAuth implements Handler {
    private static final String BEARER = "Bearer ";
    private final byte[] expected; // SHA-256 of the token: equal length whatever the caller sends
    private final ErrorWriter errors;

    AdminAuth(String adminToken, ErrorWriter errors) {
        this.expected = adminToken == null || adminToken.isBlank() ? null : KeySecrets.sha256(adminToken);
        this.errors = errors;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (expected == null) {
            errors.write(res, ApiError.invalidApiKey("The admin API is disabled: no admin token is configured."),
                    Map.of());
        } else if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            errors.write(res, ApiError.invalidApiKey("Missing admin token: send 'Authorization: Bearer <token>'."),
                    Map.of("WWW-Authenticate", "Bearer"));
        } else if (!MessageDigest.isEqual(expected, KeySecrets.sha256(header.substring(BEARER.length()).strip()))) {
            errors.write(res, ApiError.invalidApiKey("Invalid admin token."), Map.of("WWW-Authenticate", "Bearer"));
        } else {
            res.next();
        }
    }
}
