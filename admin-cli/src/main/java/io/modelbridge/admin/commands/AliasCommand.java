package io.modelbridge.admin.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.admin.Mbctl;
import io.modelbridge.admin.client.AdminClient;
import io.modelbridge.admin.client.ApiException;
import io.modelbridge.admin.output.Output;
import io.modelbridge.admin.output.Table;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code alias set|list|remove}: the model names clients send, routed to channel targets. */
@Command(name = "alias", description = "Manage aliases: the model names clients send, and where they go.")
public final class AliasCommand {
    @ParentCommand
    private Mbctl root;

    @Spec
    private CommandSpec spec;

    @Command(name = "set", description = "Create an alias, or replace all its targets (the description stays unless given).")
    int set(@Parameters(paramLabel = "ALIAS", completionCandidates = Candidates.Aliases.class) String alias,
            @Option(names = "--target", required = true, paramLabel = "CHANNEL[:MODEL][,priority=N][,weight=N]",
                    completionCandidates = Candidates.Channels.class,
                    description = {"Repeat for several targets. Priority 0 is tried first; weight defaults to 1.",
                        "MODEL is the upstream model name (default: the alias itself)."}) List<String> targets,
            @Option(names = "--description", paramLabel = "TEXT") String description) {
        ObjectNode body = AdminClient.JSON.createObjectNode();
        String kept = description != null ? description : currentDescription(alias);
        if (kept != null) {
            body.put("description", kept);
        }
        ArrayNode list = body.putArray("targets");
        for (String target : targets) {
            try {
                list.add(TargetSpec.parse(target).json());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--target': " + e.getMessage());
            }
        }
        JsonNode saved = root.client().put("/aliases/" + AdminClient.segment(alias), body);
        root.out().result(saved, "Alias " + alias + " -> " + targets(saved) + ".");
        return Mbctl.OK;
    }

    /** Setting an alias replaces its targets; its description stays unless a new one is given. */
    private String currentDescription(String alias) {
        try {
            return root.client().get("/aliases/" + AdminClient.segment(alias)).path("description").textValue();
        } catch (ApiException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    @Command(name = "list", description = "List aliases and their targets.")
    int list() {
        JsonNode aliases = root.client().get("/aliases");
        Output out = root.out();
        if (out.isJson()) {
            out.json(aliases);
            return Mbctl.OK;
        }
        Table table = new Table("ALIAS", "TARGETS", "DESCRIPTION");
        aliases.path("data").forEach(a -> table.row(a.path("name"), targets(a), a.path("description")));
        out.table(table);
        return Mbctl.OK;
    }

    @Command(name = "remove", description = "Delete an alias.")
    int remove(@Parameters(paramLabel = "ALIAS", completionCandidates = Candidates.Aliases.class) String alias) {
        JsonNode deleted = root.client().delete("/aliases/" + AdminClient.segment(alias));
        root.out().result(deleted, "Removed alias " + alias + ".");
        return Mbctl.OK;
    }

    /** {@code ds:deepseek-chat (p0 w1), backup:glm-4 (p1 w1)}. */
    static String targets(JsonNode alias) {
        List<String> parts = new ArrayList<>();
        alias.path("targets").forEach(t -> parts.add(t.path("channel").asText()
                + (t.path("model").isTextual() ? ":" + t.path("model").asText() : "")
                + " (p" + t.path("priority").asInt() + " w" + t.path("weight").asInt() + ")"));
        return parts.isEmpty() ? "nowhere" : String.join(", ", parts);
    }
}
