package io.modelbridge.gateway.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.db.repo.ApiKeyRepository;
import io.modelbridge.db.repo.LimitRepository;
import io.modelbridge.db.repo.RateLimit;
import io.modelbridge.db.repo.UserRepository;
import io.modelbridge.gateway.cluster.ChangeListener.Topic;
import java.util.Set;
import org.jooq.DSLContext;

/** /limits: PUT one (scope, subject), list, DELETE ?scope=&subject=. */
final class LimitsHandler {
    private static final Set<String> PUT = Set.of("scope", "subject", "rpm", "tpm");
    private final AdminDeps deps;

    LimitsHandler(AdminDeps deps) {
        this.deps = deps;
    }

    void routes(HttpRules rules, Guard guard) {
        rules.put("/limits", guard.wrap(this::put))
                .get("/limits", guard.wrap(this::list))
                .delete("/limits", guard.wrap(this::delete));
    }

    private void put(ServerRequest req, ServerResponse res) {
        JsonBody body = deps.body(req, PUT);
        String scope = scope(body.requireText("scope"));
        String subject = body.text("subject").orElse("");
        Integer rpm = body.integer("rpm").map(v -> FieldValidation.positive(v, "rpm")).orElse(null);
        Integer tpm = body.integer("tpm").map(v -> FieldValidation.positive(v, "tpm")).orElse(null);
        if (rpm == null && tpm == null) {
            throw FieldValidation.invalid("Give 'rpm', 'tpm' or both (to remove a limit, DELETE it).", "rpm");
        }
        RateLimit limit = new RateLimit(scope, subject, rpm, tpm);
        deps.changes().apply(Topic.LIMITS, (tx, audit) -> {
            checkSubject(tx, scope, subject);
            new LimitRepository(tx).put(limit);
            audit.record("limit.put", "rate_limit", scope + ":" + subject, view(limit));
            return null;
        });
        deps.responses().ok(res, view(limit));
    }

    private void list(ServerRequest req, ServerResponse res) {
        deps.responses().ok(res, deps.responses().list(new LimitRepository(deps.db().dsl()).list(), this::view));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String scope = scope(AdminDeps.query(req, "scope")
                .orElseThrow(() -> JsonBody.invalid("The query parameter 'scope' is required.", "scope")));
        String subject = AdminDeps.query(req, "subject").orElse("");
        deps.changes().apply(Topic.LIMITS, (tx, audit) -> {
            if (!new LimitRepository(tx).delete(scope, subject)) {
                throw FieldValidation.notFound("rate limit", scope + ":" + subject);
            }
            audit.record("limit.delete", "rate_limit", scope + ":" + subject, deps.responses().node());
            return null;
        });
        deps.responses().ok(res, deps.responses().deleted("rate_limit", scope + ":" + subject));
    }

    private static String scope(String scope) {
        return FieldValidation.oneOf(scope, "scope", "global", "user", "key", "model");
    }

    /** global has no subject; user names a user, key a key id, model a model. A missing subject is a 400. */
    private static void checkSubject(DSLContext tx, String scope, String subject) {
        switch (scope) {
            case "global" -> {
                if (!subject.isEmpty()) {
                    throw FieldValidation.invalid("A global limit has no 'subject'.", "subject");
                }
            }
            case "user" -> {
                if (new UserRepository(tx).find(subject).isEmpty()) {
                    throw FieldValidation.invalid("No user named '" + subject + "'.", "subject");
                }
            }
            case "key" -> {
                if (!subject.matches("\\d{1,18}") || new ApiKeyRepository(tx).find(Long.parseLong(subject)).isEmpty()) {
                    throw FieldValidation.invalid("'subject' must be the id of an existing API key.", "subject");
                }
            }
            default -> FieldValidation.model(subject, "subject");
        }
    }

    ObjectNode view(RateLimit l) {
        return deps.responses().object("rate_limit").put("scope", l.scope()).put("subject", l.subject())
                .put("rpm", l.rpm()).put("tpm", l.tpm());
    }
}
