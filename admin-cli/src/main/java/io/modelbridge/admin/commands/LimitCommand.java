package io.modelbridge.admin.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.admin.Mbctl;
import io.modelbridge.admin.client.AdminClient;
import io.modelbridge.admin.output.Output;
import io.modelbridge.admin.output.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code limit set|list|clear}: requests and tokens per minute, globally or per user, key or model. */
@Command(name = "limit", description = "Manage rate limits (requests and tokens per minute).")
public final class LimitCommand {
    @ParentCommand
    private Mbctl root;

    @Spec
    private CommandSpec spec;

    @Command(name = "set", description = "Set the limit of one scope (replaces its rpm and tpm).")
    int set(@Option(names = "--global", description = "The limit over all traffic.") boolean global,
            @Option(names = "--user", paramLabel = "NAME", completionCandidates = Candidates.Users.class) String user,
            @Option(names = "--key", paramLabel = "ID", completionCandidates = Candidates.KeyIds.class) String key,
            @Option(names = "--model", paramLabel = "ALIAS", completionCandidates = Candidates.ServedModels.class)
            String model,
            @Option(names = "--rpm", paramLabel = "N", description = "Requests per minute.") Integer rpm,
            @Option(names = "--tpm", paramLabel = "N", description = "Tokens per minute.") Integer tpm) {
        Scope scope = scope(global, user, key, model);
        if (rpm == null && tpm == null) {
            throw new ParameterException(spec.commandLine(), "Give --rpm, --tpm or both (to remove a limit: limit clear).");
        }
        ObjectNode body = AdminClient.JSON.createObjectNode().put("scope", scope.scope()).put("subject", scope.subject());
        if (rpm != null) {
            body.put("rpm", rpm);
        }
        if (tpm != null) {
            body.put("tpm", tpm);
        }
        JsonNode limit = root.client().put("/limits", body);
        root.out().result(limit, "Limit " + scope + ": " + rate(limit) + ".");
        return Mbctl.OK;
    }

    @Command(name = "list", description = "List rate limits.")
    int list() {
        JsonNode limits = root.client().get("/limits");
        Output out = root.out();
        if (out.isJson()) {
            out.json(limits);
            return Mbctl.OK;
        }
        Table table = new Table("SCOPE", "SUBJECT", "RPM", "TPM");
        limits.path("data").forEach(l -> table.row(l.path("scope"), l.path("subject"), l.path("rpm"), l.path("tpm")));
        out.table(table);
        return Mbctl.OK;
    }

    @Command(name = "clear", description = "Remove the limit of one scope.")
    int clear(@Option(names = "--global") boolean global,
              @Option(names = "--user", paramLabel = "NAME", completionCandidates = Candidates.Users.class)
              String user,
              @Option(names = "--key", paramLabel = "ID", completionCandidates = Candidates.KeyIds.class) String key,
              @Option(names = "--model", paramLabel = "ALIAS", completionCandidates = Candidates.ServedModels.class)
              String model) {
        Scope scope = scope(global, user, key, model);
        Map<String, String> query = new LinkedHashMap<>();
        query.put("scope", scope.scope());
        query.put("subject", scope.subject());
        JsonNode deleted = root.client().delete(AdminClient.withQuery("/limits", query));
        root.out().result(deleted, "Cleared the limit " + scope + ".");
        return Mbctl.OK;
    }

    private Scope scope(boolean global, String user, String key, String model) {
        List<Scope> given = new ArrayList<>();
        if (global) {
            given.add(new Scope("global", ""));
        }
        if (user != null) {
            given.add(new Scope("user", user));
        }
        if (key != null) {
            given.add(new Scope("key", key));
        }
        if (model != null) {
            given.add(new Scope("model", model));
        }
        if (given.size() != 1) {
            throw new ParameterException(spec.commandLine(),
                    "Give exactly one scope: --global, --user NAME, --key ID or --model ALIAS.");
        }
        return given.getFirst();
    }

    private static String rate(JsonNode limit) {
        return (limit.path("rpm").isNull() ? "no rpm" : limit.path("rpm").asInt() + " rpm") + ", "
                + (limit.path("tpm").isNull() ? "no tpm" : limit.path("tpm").asInt() + " tpm");
    }

    private record Scope(String scope, String subject) {
        @Override
        public String toString() {
            return subject.isEmpty() ? scope : scope + " " + subject;
        }
    }
}
