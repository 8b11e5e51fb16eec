package io.modelbridge.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.db.repo.AuditEntry;
import io.modelbridge.db.repo.AuditRepository;
import java.io.IOException;
import java.io.UncheckedIOException;

/** /audit?limit=: the latest admin changes, newest first. */
final class AuditHandler {
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;
    private final AdminDeps deps;

    AuditHandler(AdminDeps deps) {
        this.deps = deps;
    }

    void routes(HttpRules rules, Guard guard) {
        rules.get("/audit", guard.wrap(this::list));
    }

    private void list(ServerRequest req, ServerResponse res) {
        int limit = limit(AdminDeps.query(req, "limit").orElse(String.valueOf(DEFAULT_LIMIT)));
        deps.responses().ok(res, deps.responses().list(new AuditRepository(deps.db().dsl()).recent(limit), this::view));
    }

    static int limit(String text) {
        if (!text.matches("\\d{1,4}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > MAX_LIMIT) {
            throw FieldValidation.invalid("'limit' must be an integer from 1 to " + MAX_LIMIT + ".", "limit");
        }
        return Integer.parseInt(text);
    }

    private ObjectNode view(AuditEntry e) {
        ObjectNode node = deps.responses().object("audit_entry").put("id", e.id());
        JsonResponses.put(node, "at", e.at());
        node.put("actor", e.actor()).put("action", e.action()).put("object_type", e.objectType())
                .put("object_name", e.objectName());
        node.set("detail", parse(e.detailJson()));
        return node;
    }

    private JsonNode parse(String json) {
        try {
            return deps.json().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
