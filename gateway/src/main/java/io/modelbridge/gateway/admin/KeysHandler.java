package io.modelbridge.gateway.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.db.repo.ApiKey;
import io.modelbridge.db.repo.ApiKeyEntry;
import io.modelbridge.db.repo.ApiKeyRepository;
import io.modelbridge.db.repo.KeySettings;
import io.modelbridge.db.repo.NewApiKey;
import io.modelbridge.db.repo.UserRepository;
import io.modelbridge.gateway.cluster.ChangeListener.Topic;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.http.ResponseProfile;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** /keys: create (the secret is shown once), list, show, update, revoke, delete. */
final class KeysHandler {
    private static final Set<String> CREATE =
            Set.of("user", "label", "models", "cidrs", "expires_at", "expires_in", "rpm", "tpm", "response_profile");
    private static final Set<String> PATCH =
            Set.of("label", "models", "cidrs", "expires_at", "expires_in", "enabled", "rpm", "tpm", "response_profile");
    private final AdminDeps deps;

    KeysHandler(AdminDeps deps) {
        this.deps = deps;
    }

    void routes(HttpRules rules, Guard guard) {
        rules.post("/keys", guard.wrap(this::create))
                .get("/keys", guard.wrap(this::list))
                .get("/keys/{id}", guard.wrap(this::show))
                .patch("/keys/{id}", guard.wrap(this::update))
                .post("/keys/{id}/revoke", guard.wrap(this::revoke))
                .delete("/keys/{id}", guard.wrap(this::delete));
    }

    private void create(ServerRequest req, ServerResponse res) {
        JsonBody body = deps.body(req, CREATE);
        String userName = body.requireText("user");
        String secret = KeySecrets.generate();
        ApiKeyEntry key = deps.changes().apply(Topic.KEYS, (tx, audit) -> {
            long userId = new UserRepository(tx).find(userName)
                    .orElseThrow(() -> FieldValidation.invalid("No user named '" + userName + "'.", "user")).id();
            NewApiKey spec = new NewApiKey(userId, KeySecrets.prefix(secret), KeySecrets.sha256(secret),
                    body.text("label").orElse(null),
                    body.strings("models").orElse(List.of()),
                    FieldValidation.cidrs(body.strings("cidrs").orElse(List.of()), "cidrs"),
                    expiry(body).orElse(null), limit(body, "rpm").orElse(null), limit(body, "tpm").orElse(null),
                    profile(body));
            ApiKeyEntry created = new ApiKeyRepository(tx).create(spec);
            audit.record("key.create", "api_key", String.valueOf(created.key().id()), view(created));
            return created;
        });
        deps.responses().created(res, view(key).put("key", secret));
    }

    private void list(ServerRequest req, ServerResponse res) {
        ApiKeyRepository keys = new ApiKeyRepository(deps.db().dsl());
        Optional<String> user = AdminDeps.query(req, "user");
        List<ApiKeyEntry> found = user.isPresent()
                ? keys.listForUser(UsersHandler.find(new UserRepository(deps.db().dsl()), user.get()).id())
                : keys.list();
        deps.responses().ok(res, deps.responses().list(found, this::view));
    }

    private void show(ServerRequest req, ServerResponse res) {
        deps.responses().ok(res, view(find(new ApiKeyRepository(deps.db().dsl()), id(req))));
    }

    private void update(ServerRequest req, ServerResponse res) {
        long id = id(req);
        JsonBody body = deps.body(req, PATCH);
        ApiKeyEntry key = deps.changes().apply(Topic.KEYS, (tx, audit) -> {
            ApiKeyRepository keys = new ApiKeyRepository(tx);
            ApiKeyEntry current = find(keys, id);
            if (current.revokedAt() != null && body.bool("enabled").orElse(false)) {
                throw FieldValidation.invalid("API key " + id + " is revoked for good; create a new key instead.",
                        "enabled");
            }
            keys.update(id, merged(body, current.key(), current.keyEnabled()));
            ApiKeyEntry updated = find(keys, id);
            audit.record("key.update", "api_key", String.valueOf(id), view(updated));
            return updated;
        });
        deps.responses().ok(res, view(key));
    }

    private KeySettings merged(JsonBody body, ApiKey k, boolean enabled) {
        String label = body.has("label") ? body.text("label").orElse(null) : k.label();
        List<String> models = body.has("models") ? body.strings("models").orElse(List.of()) : k.allowedModels();
        List<String> cidrs = body.has("cidrs")
                ? FieldValidation.cidrs(body.strings("cidrs").orElse(List.of()), "cidrs") : k.allowedCidrs();
        Instant expires = body.has("expires_at") || body.has("expires_in") ? expiry(body).orElse(null) : k.expiresAt();
        Integer rpm = body.has("rpm") ? limit(body, "rpm").orElse(null) : k.rpm();
        Integer tpm = body.has("tpm") ? limit(body, "tpm").orElse(null) : k.tpm();
        String profile = body.has("response_profile") ? profile(body) : k.responseProfile();
        return new KeySettings(label, models, cidrs, expires, body.bool("enabled").orElse(enabled), rpm, tpm, profile);
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        long id = id(req);
        ApiKeyEntry key = deps.changes().apply(Topic.KEYS, (tx, audit) -> {
            ApiKeyRepository keys = new ApiKeyRepository(tx);
            find(keys, id);
            keys.revoke(id, deps.clock().instant()); // revoking twice keeps the first time
            ApiKeyEntry revoked = find(keys, id);
            audit.record("key.revoke", "api_key", String.valueOf(id), view(revoked));
            return revoked;
        });
        deps.responses().ok(res, view(key));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        long id = id(req);
        deps.changes().apply(Topic.KEYS, (tx, audit) -> {
            if (!new ApiKeyRepository(tx).delete(id)) {
                throw notFound(String.valueOf(id));
            }
            audit.record("key.delete", "api_key", String.valueOf(id), deps.responses().node());
            return null;
        });
        deps.responses().ok(res, deps.responses().object("api_key").put("id", id).put("deleted", true));
    }

    private Optional<Instant> expiry(JsonBody body) {
        return Durations.expiry(body, deps.clock().instant());
    }

    /** {@code full}, {@code classic}, or null (absent or JSON null): the operator's default, MB_RESPONSE_PROFILE. */
    private static String profile(JsonBody body) {
        return body.text("response_profile").map(name -> ResponseProfile.parse(name)
                .orElseThrow(() -> FieldValidation.invalid("response_profile is 'full', 'classic' or null (the "
                        + "operator's default), not '" + name + "'.", "response_profile")).wireName()).orElse(null);
    }

    private static Optional<Integer> limit(JsonBody body, String field) {
        return body.integer(field).map(v -> FieldValidation.positive(v, field));
    }

    private static long id(ServerRequest req) {
        String id = AdminDeps.pathParam(req, "id");
        if (!id.matches("\\d{1,18}")) {
            throw notFound(id);
        }
        return Long.parseLong(id);
    }

    private static ApiKeyEntry find(ApiKeyRepository keys, long id) {
        return keys.find(id).orElseThrow(() -> notFound(String.valueOf(id)));
    }

    private static RuntimeException notFound(String id) {
        return new GatewayException(ApiError.notFound("not_found", "No API key with id '" + id + "'."));
    }

    ObjectNode view(ApiKeyEntry entry) {
        ApiKey k = entry.key();
        ObjectNode node = deps.responses().object("api_key").put("id", k.id()).put("user", k.userName())
                .put("prefix", k.prefix()).put("label", k.label());
        JsonResponses.putStrings(node, "models", k.allowedModels());
        JsonResponses.putStrings(node, "cidrs", k.allowedCidrs());
        JsonResponses.put(node, "expires_at", k.expiresAt());
        node.put("enabled", entry.keyEnabled()).put("revoked", entry.revokedAt() != null);
        JsonResponses.put(node, "revoked_at", entry.revokedAt());
        node.put("expired", k.expiresAt() != null && !k.expiresAt().isAfter(deps.clock().instant()));
        node.put("rpm", k.rpm()).put("tpm", k.tpm()).put("response_profile", k.responseProfile());
        JsonResponses.put(node, "last_used_at", k.lastUsedAt());
        JsonResponses.put(node, "created_at", k.createdAt());
        return node;
    }
}
