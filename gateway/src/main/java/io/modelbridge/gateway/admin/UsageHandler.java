package io.modelbridge.gateway.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.db.repo.UsageGrouping;
import io.modelbridge.db.repo.UsageQuery;
import io.modelbridge.db.repo.UsageRepository;
import io.modelbridge.db.repo.UsageRow;
import io.modelbridge.db.repo.UsageTotals;
import io.modelbridge.db.repo.UserRepository;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** /usage: totals over a filter, with the latest rows or grouped by user, key, model, channel or dialect. */
final class UsageHandler {
    private static final String DEFAULT_SINCE = "24h";
    private final AdminDeps deps;

    UsageHandler(AdminDeps deps) {
        this.deps = deps;
    }

    void routes(HttpRules rules, Guard guard) {
        rules.get("/usage", guard.wrap(this::report));
    }

    private void report(ServerRequest req, ServerResponse res) {
        UsageQuery query = query(req);
        Optional<UsageGrouping> by = param(req, "by").map(UsageHandler::grouping);
        int limit = AuditHandler.limit(param(req, "limit").orElse("100"));
        UsageRepository usage = new UsageRepository(deps.db().dsl());
        ObjectNode node = deps.responses().object("usage");
        JsonResponses.put(node, "since", query.since());
        JsonResponses.put(node, "until", query.until());
        node.put("by", by.map(g -> g.name().toLowerCase(Locale.ROOT)).orElse(null));
        node.set("totals", totals(usage.totals(query), false));
        if (by.isPresent()) {
            ArrayNode groups = node.putArray("groups");
            usage.grouped(query, by.get()).forEach(t -> groups.add(totals(t, true)));
        } else {
            ArrayNode rows = node.putArray("data");
            usage.rows(query, limit).forEach(r -> rows.add(row(r)));
        }
        deps.responses().ok(res, node);
    }

    private UsageQuery query(ServerRequest req) {
        Instant now = deps.clock().instant();
        Long userId = param(req, "user")
                .map(name -> UsersHandler.find(new UserRepository(deps.db().dsl()), name).id()).orElse(null);
        Long keyId = param(req, "key").map(UsageHandler::keyId).orElse(null);
        Instant since = Durations.instantOrAgo(param(req, "since").orElse(DEFAULT_SINCE), now, "since");
        Instant until = param(req, "until").map(t -> Durations.instantOrAgo(t, now, "until")).orElse(null);
        return new UsageQuery(userId, keyId, param(req, "model").orElse(null), param(req, "channel").orElse(null),
                since, until);
    }

    private static Optional<String> param(ServerRequest req, String name) {
        return AdminDeps.query(req, name).filter(v -> !v.isBlank());
    }

    private static long keyId(String text) {
        if (!text.matches("\\d{1,18}")) {
            throw FieldValidation.invalid("'key' must be an API key id.", "key");
        }
        return Long.parseLong(text);
    }

    private static UsageGrouping grouping(String by) {
        return UsageGrouping.valueOf(FieldValidation.oneOf(by, "by", "user", "key", "model", "channel", "dialect")
                .toUpperCase(Locale.ROOT));
    }

    private ObjectNode totals(UsageTotals t, boolean withGroup) {
        ObjectNode node = deps.responses().node();
        if (withGroup) {
            node.put("group", t.group());
        }
        node.put("requests", t.requests()).put("prompt_tokens", t.promptTokens())
                .put("completion_tokens", t.completionTokens()).put("cached_prompt_tokens", t.cachedPromptTokens())
                .put("reasoning_tokens", t.reasoningTokens());
        JsonResponses.put(node, "cost", t.cost());
        return node.put("errors", t.errors());
    }

    private ObjectNode row(UsageRow u) {
        ObjectNode node = deps.responses().node().put("request_id", u.requestId())
                .put("client_request_id", u.clientRequestId());
        JsonResponses.put(node, "at", u.at());
        node.put("user_id", u.userId()).put("key_id", u.keyId()).put("model", u.alias())
                .put("channel", u.channel()).put("provider", u.provider()).put("upstream_model", u.upstreamModel())
                .put("stream", u.stream()).put("prompt_tokens", u.promptTokens())
                .put("completion_tokens", u.completionTokens()).put("cached_prompt_tokens", u.cachedPromptTokens())
                .put("reasoning_tokens", u.reasoningTokens()).put("estimated", u.estimated())
                .put("dialect", u.dialect());
        JsonResponses.put(node, "cost", u.cost());
        return node.put("latency_ms", u.latencyMs()).put("ttft_ms", u.ttftMs()).put("status", u.status())
                .put("error_code", u.errorCode());
    }
}
