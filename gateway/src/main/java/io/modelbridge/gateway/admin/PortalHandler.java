package io.modelbridge.gateway.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.db.repo.PortalInvite;
import io.modelbridge.db.repo.PortalInviteRepository;
import io.modelbridge.db.repo.PortalSettings;
import io.modelbridge.db.repo.PortalSettingsRepository;
import io.modelbridge.gateway.cluster.ChangeListener.Topic;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** /portal: the self-service portal's settings (show, update) and its invite codes (create, list, delete). */
final class PortalHandler {
    private static final Set<String> PATCH =
            Set.of("registration", "allowed_domains", "free_quota", "rpm", "tpm", "models");
    private static final Set<String> INVITE = Set.of("uses", "expires_in", "expires_at");
    /** Invite codes: "inv-" and 12 random bytes in base64url (16 characters). */
    static final String INVITE_SCHEME = "inv-";
    /** What the audit log keeps of an invite code: enough to tell invites apart, too little to use one. */
    static final int INVITE_SHOWN = 8;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final AdminDeps deps;

    PortalHandler(AdminDeps deps) {
        this.deps = deps;
    }

    void routes(HttpRules rules, Guard guard) {
        rules.get("/portal", guard.wrap(this::show))
                .patch("/portal", guard.wrap(this::update))
                .post("/portal/invites", guard.wrap(this::createInvite))
                .get("/portal/invites", guard.wrap(this::listInvites))
                .delete("/portal/invites/{code}", guard.wrap(this::deleteInvite));
    }

    private void show(ServerRequest req, ServerResponse res) {
        deps.responses().ok(res, view(new PortalSettingsRepository(deps.db().dsl()).get()));
    }

    private void update(ServerRequest req, ServerResponse res) {
        JsonBody body = deps.body(req, PATCH);
        String registration = body.has("registration")
                ? FieldValidation.oneOf(body.requireText("registration"), "registration", "open", "closed", "invite")
                : null;
        List<String> domains = body.has("allowed_domains")
                ? Domains.check(body.strings("allowed_domains").orElse(List.of()), "allowed_domains") : null;
        BigDecimal freeQuota = body.has("free_quota") ? credits(body, "free_quota") : null;
        List<String> models = body.has("models") ? models(body.strings("models").orElse(List.of())) : null;
        Integer rpm = limit(body, "rpm");
        Integer tpm = limit(body, "tpm");
        PortalSettings settings = deps.changes().apply(Topic.USERS, (tx, audit) -> {
            PortalSettingsRepository repository = new PortalSettingsRepository(tx);
            PortalSettings current = repository.get();
            PortalSettings updated = new PortalSettings(
                    registration != null ? registration : current.registration(),
                    domains != null ? domains : current.allowedDomains(),
                    freeQuota != null ? freeQuota : current.freeQuota(),
                    body.has("rpm") ? rpm : current.rpm(), body.has("tpm") ? tpm : current.tpm(),
                    models != null ? models : current.models());
            repository.put(updated);
            audit.record("portal.update", "portal_settings", "portal", view(updated));
            return updated;
        });
        deps.responses().ok(res, view(settings));
    }

    private static BigDecimal credits(JsonBody body, String field) {
        return FieldValidation.credits(body.decimal(field)
                .orElseThrow(() -> FieldValidation.invalid("'" + field + "' cannot be null.", field)), field);
    }

    private static List<String> models(List<String> models) {
        models.forEach(m -> FieldValidation.model(m, "models"));
        return List.copyOf(new LinkedHashSet<>(models));
    }

    private static Integer limit(JsonBody body, String field) {
        return body.integer(field).map(v -> FieldValidation.positive(v, field)).orElse(null);
    }

    private void createInvite(ServerRequest req, ServerResponse res) {
        JsonBody body = deps.body(req, INVITE);
        int uses = body.integer("uses").map(u -> FieldValidation.positive(u, "uses")).orElse(1);
        Instant expiresAt = expiry(body).orElse(null);
        String code = newCode();
        PortalInvite invite = deps.changes().apply(Topic.USERS, (tx, audit) -> {
            PortalInvite created = new PortalInviteRepository(tx).create(code, uses, expiresAt);
            ObjectNode detail = deps.responses().node().put("code_prefix", shown(code)).put("max_uses", uses);
            JsonResponses.put(detail, "expires_at", expiresAt);
            audit.record("portal.invite.create", "portal_invite", shown(code), detail);
            return created;
        });
        deps.responses().created(res, view(invite));
    }

    private void listInvites(ServerRequest req, ServerResponse res) {
        deps.responses().ok(res, deps.responses().list(new PortalInviteRepository(deps.db().dsl()).list(), this::view));
    }

    private void deleteInvite(ServerRequest req, ServerResponse res) {
        String code = AdminDeps.pathParam(req, "code");
        deps.changes().apply(Topic.USERS, (tx, audit) -> {
            if (!new PortalInviteRepository(tx).delete(code)) {
                throw FieldValidation.notFound("portal invite", code);
            }
            audit.record("portal.invite.delete", "portal_invite", shown(code), deps.responses().node());
            return null;
        });
        deps.responses().ok(res, deps.responses().object("portal_invite").put("code", code).put("deleted", true));
    }

    private Optional<Instant> expiry(JsonBody body) {
        return Durations.expiry(body, deps.clock().instant());
    }

    static String newCode() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return INVITE_SCHEME + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String shown(String code) {
        return code.length() <= INVITE_SHOWN ? code : code.substring(0, INVITE_SHOWN) + "…";
    }

    ObjectNode view(PortalSettings s) {
        ObjectNode node = deps.responses().object("portal_settings").put("registration", s.registration());
        JsonResponses.putStrings(node, "allowed_domains", s.allowedDomains());
        JsonResponses.put(node, "free_quota", s.freeQuota());
        node.put("rpm", s.rpm()).put("tpm", s.tpm());
        JsonResponses.putStrings(node, "models", s.models());
        return node;
    }

    ObjectNode view(PortalInvite i) {
        ObjectNode node = deps.responses().object("portal_invite").put("code", i.code()).put("max_uses", i.maxUses())
                .put("uses", i.uses());
        JsonResponses.put(node, "expires_at", i.expiresAt());
        JsonResponses.put(node, "created_at", i.createdAt());
        return node;
    }
}
