package io.modelbridge.gateway.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.db.repo.LedgerEntry;
import io.modelbridge.db.repo.QuotaLeaseRepository;
import io.modelbridge.db.repo.QuotaRepository;
import io.modelbridge.db.repo.User;
import io.modelbridge.db.repo.UserRepository;
import io.modelbridge.gateway.cluster.ChangeListener.Topic;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;

/**
 * /users/{name}/quota: the balance with its recent ledger, and grants (negative credits adjust down). {@code held}
 * is the part of the balance gateway instances hold in quota leases for requests they admit.
 */
final class QuotaHandler {
    private static final Set<String> GRANT = Set.of("credits", "note");
    private static final int RECENT = 50;
    private final AdminDeps deps;

    QuotaHandler(AdminDeps deps) {
        this.deps = deps;
    }

    void routes(HttpRules rules, Guard guard) {
        rules.get("/users/{name}/quota", guard.wrap(this::show))
                .post("/users/{name}/quota/grant", guard.wrap(this::grant));
    }

    private void show(ServerRequest req, ServerResponse res) {
        int limit = AuditHandler.limit(AdminDeps.query(req, "limit").orElse(String.valueOf(RECENT)));
        String name = AdminDeps.pathParam(req, "name");
        // one snapshot: the gateways write ledger rows all the time, and the balance must match the rows shown
        deps.responses().ok(res, deps.db().dsl().transactionResult(tx -> {
            tx.dsl().execute("set transaction isolation level repeatable read, read only");
            return view(tx.dsl(), name, limit);
        }));
    }

    private void grant(ServerRequest req, ServerResponse res) {
        String name = AdminDeps.pathParam(req, "name");
        JsonBody body = deps.body(req, GRANT);
        BigDecimal credits = body.decimal("credits")
                .orElseThrow(() -> FieldValidation.invalid("'credits' is required.", "credits"));
        if (credits.signum() == 0 || credits.stripTrailingZeros().scale() > 6) {
            throw FieldValidation.invalid("'credits' must be non-zero with at most 6 decimals.", "credits");
        }
        FieldValidation.credits(credits.abs(), "credits");
        String note = body.text("note").orElse(null);
        String key = IdempotencyKey.of(req).orElse(null);
        boolean[] replayed = {false};
        ObjectNode quota = deps.changes().apply(Topic.QUOTA, (tx, audit) -> {
            User user = UsersHandler.find(new UserRepository(tx), name);
            QuotaRepository ledger = new QuotaRepository(tx);
            if (key != null) {
                Optional<LedgerEntry> earlier = ledger.lockUserAndFindGrant(user.id(), key);
                if (earlier.isPresent()) {
                    IdempotencyKey.requireSame(earlier.get(), user.id(), credits, note);
                    replayed[0] = true;
                    return view(tx, name, RECENT);
                }
            }
            String kind = credits.signum() > 0 ? "grant" : "adjust";
            LedgerEntry entry = ledger.post(user.id(), kind, credits, key, note).orElseThrow();
            audit.record("quota." + kind, "user", name, entry(entry));
            return view(tx, name, RECENT);
        });
        if (replayed[0]) {
            res.header(IdempotencyKey.REPLAYED, "true");
        }
        deps.responses().ok(res, quota);
    }

    private ObjectNode view(DSLContext dsl, String name, int recent) {
        User user = UsersHandler.find(new UserRepository(dsl), name);
        ObjectNode node = deps.responses().object("quota").put("user", name);
        JsonResponses.put(node, "balance", user.quotaLeft());
        JsonResponses.put(node, "held", new QuotaLeaseRepository(dsl).held(user.id()));
        ArrayNode ledger = node.putArray("ledger");
        new QuotaRepository(dsl).recent(user.id(), recent).forEach(e -> ledger.add(entry(e)));
        return node;
    }

    private ObjectNode entry(LedgerEntry e) {
        ObjectNode node = deps.responses().node().put("id", e.id()).put("kind", e.kind());
        JsonResponses.put(node, "amount", e.amount());
        JsonResponses.put(node, "balance_after", e.balanceAfter());
        node.put("request_id", e.requestId()).put("note", e.note());
        JsonResponses.put(node, "created_at", e.createdAt());
        return node;
    }
}
