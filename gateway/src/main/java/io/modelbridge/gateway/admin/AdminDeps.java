package io.modelbridge.gateway.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.http.ServerRequest;
import io.modelbridge.db.Database;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/** What every admin handler needs. */
record AdminDeps(Database db, ObjectMapper json, JsonResponses responses, Changes changes, Clock clock) {
    /** Admin bodies are small; anything larger is a mistake, not a resource to serve. */
    private static final int MAX_BODY = 1 << 20;

    JsonBody body(ServerRequest req, Set<String> allowed) {
        try (InputStream in = req.content().inputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw JsonBody.invalid("The request body is larger than " + MAX_BODY + " bytes.", null);
            }
            return JsonBody.parse(json, bytes, allowed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String pathParam(ServerRequest req, String name) {
        return JsonBody.storable(req.path().pathParameters().get(name), name);
    }

    /** A query parameter's first value; like every text the admin API takes, never with a NUL in it. */
    static Optional<String> query(ServerRequest req, String name) {
        return req.query().first(name).asOptional().map(v -> JsonBody.storable(v, name));
    }
}
