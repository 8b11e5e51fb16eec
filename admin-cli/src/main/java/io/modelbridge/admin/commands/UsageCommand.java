package io.modelbridge.admin.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.admin.Mbctl;
import io.modelbridge.admin.client.AdminClient;
import io.modelbridge.admin.output.Cells;
import io.modelbridge.admin.output.Output;
import io.modelbridge.admin.output.Table;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code usage}: totals over a filter, with the latest requests or grouped. */
@Command(name = "usage", description = "Show usage totals, the latest requests, or totals per user, key, model, channel or dialect.")
public final class UsageCommand implements Callable<Integer> {
    @ParentCommand
    private Mbctl root;

    @Option(names = "--user", paramLabel = "NAME", completionCandidates = Candidates.Users.class)
    private String user;

    @Option(names = "--key", paramLabel = "ID", completionCandidates = Candidates.KeyIds.class)
    private String key;

    @Option(names = "--model", paramLabel = "M", completionCandidates = Candidates.ServedModels.class,
            description = "The alias the client asked for, or the upstream model.")
    private String model;

    @Option(names = "--channel", paramLabel = "NAME", completionCandidates = Candidates.Channels.class)
    private String channel;

    @Option(names = "--since", paramLabel = "24h|INSTANT", completionCandidates = Candidates.Periods.class,
            description = "How far back: a duration (1h, 24h, 7d) or an ISO instant. Default: 24h.")
    private String since;

    @Option(names = "--until", paramLabel = "DURATION|INSTANT")
    private String until;

    @Option(names = "--by", paramLabel = "user|key|model|channel|dialect",
            completionCandidates = Candidates.Groupings.class,
            description = "Totals per group instead of the latest requests (dialect: the client API, e.g. openai-chat, "
                    + "anthropic-messages).")
    private String by;

    @Option(names = "--limit", paramLabel = "N", description = "Requests to list without --by (default 20).")
    private Integer limit;

    @Override
    public Integer call() {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("user", user);
        query.put("key", key);
        query.put("model", model);
        query.put("channel", channel);
        query.put("since", since);
        query.put("until", until);
        query.put("by", by);
        query.put("limit", by == null ? (limit == null ? 20 : limit) : null);
        JsonNode usage = root.client().get(AdminClient.withQuery("/usage", query));
        Output out = root.out();
        if (out.isJson()) {
            out.json(usage);
            return Mbctl.OK;
        }
        JsonNode t = usage.path("totals");
        out.line("Since " + Cells.instant(usage.path("since")) + (usage.path("until").isNull() ? ""
                : " until " + Cells.instant(usage.path("until"))) + ": " + t.path("requests").asLong() + " requests, "
                + t.path("prompt_tokens").asLong() + " prompt" + part(t, "cached_prompt_tokens", "cached") + " + "
                + t.path("completion_tokens").asLong() + " completion" + part(t, "reasoning_tokens", "reasoning")
                + " tokens, cost " + Cells.text(t.path("cost")) + ", " + t.path("errors").asLong()
                + " errors.");
        Table table = by != null ? groups(usage) : rows(usage);
        if (!table.isEmpty()) {
            out.table(table);
        }
        return Mbctl.OK;
    }

    /** " (N cached)" after a total when some of its tokens are that part, else nothing. */
    private static String part(JsonNode totals, String field, String name) {
        long count = totals.path(field).asLong();
        return count > 0 ? " (" + count + " " + name + ")" : "";
    }

    private Table groups(JsonNode usage) {
        Table table = new Table(by.toUpperCase(java.util.Locale.ROOT), "REQUESTS", "PROMPT", "CACHED", "COMPLETION",
                "REASONING", "COST", "ERRORS");
        usage.path("groups").forEach(g -> table.row(g.path("group"), g.path("requests"), g.path("prompt_tokens"),
                g.path("cached_prompt_tokens"), g.path("completion_tokens"), g.path("reasoning_tokens"), g.path("cost"),
                g.path("errors")));
        return table;
    }

    private static Table rows(JsonNode usage) {
        Table table = new Table("AT", "MODEL", "CHANNEL", "STATUS", "PROMPT", "CACHED", "COMPLETION", "REASONING",
                "COST", "LATENCY", "REQUEST");
        usage.path("data").forEach(r -> table.row(Cells.instant(r.path("at")), r.path("model"), r.path("channel"),
                r.path("status"), r.path("prompt_tokens"), r.path("cached_prompt_tokens"), r.path("completion_tokens"),
                r.path("reasoning_tokens"), r.path("cost"),
                r.path("latency_ms").isNull() ? null : r.path("latency_ms").asLong() + " ms", r.path("request_id")));
        return table;
    }
}
