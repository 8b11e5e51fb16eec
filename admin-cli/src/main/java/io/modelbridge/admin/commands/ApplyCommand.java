package io.modelbridge.admin.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.admin.Mbctl;
import io.modelbridge.admin.apply.Apply;
import io.modelbridge.admin.apply.Change;
import io.modelbridge.admin.client.AdminClient;
import io.modelbridge.admin.client.ApiException;
import io.modelbridge.admin.output.Output;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code apply -f FILE [--dry-run]}: declarative provisioning; a second run changes nothing. */
@Command(name = "apply", description = {"Make the gateway match a YAML file: users, channels, aliases, limits, "
        + "prices, keys, portal settings.", "Creates and updates, never deletes; a second run changes nothing. "
        + "Secrets may be written as ${ENV_VAR}. Keys it creates are printed once."})
public final class ApplyCommand implements Callable<Integer> {
    @ParentCommand
    private Mbctl root;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "The YAML file.")
    private Path file;

    @Option(names = "--dry-run", description = "Print the changes it would make and make none: the gateway checks "
            + "each one as it would make it, then rolls it back.")
    private boolean dryRun;

    @Override
    public Integer call() {
        AdminClient client = root.client();
        List<Change> changes = Apply.plan(file, root.invocation().env(), client);
        Output out = root.out();
        ObjectNode report = AdminClient.JSON.createObjectNode().put("object", "apply").put("file", file.toString())
                .put("dry_run", dryRun);
        ArrayNode done = report.putArray("changes");
        try {
            Map<Change, String> waiting = checkedByTheGateway(changes, client.dryRun());
            for (Change change : changes) {
                ObjectNode line = change.json();
                if (dryRun && waiting.containsKey(change)) {
                    line.put("checked", false).put("waits_for", waiting.get(change));
                }
                if (!dryRun) {
                    JsonNode result = change.step().run(client);
                    if ("key".equals(change.kind()) && "create".equals(change.action())) {
                        line.put("id", result.path("id").asLong()).put("key", result.path("key").asText());
                    }
                }
                done.add(line);
                if (!out.isJson()) {
                    out.line(describe(line));
                }
            }
        } catch (ApiException e) {
            if (out.isJson()) {
                out.json(report.put("complete", false)); // what was applied before the refusal
            }
            throw e;
        }
        if (out.isJson()) {
            out.json(report.put("complete", true));
        } else {
            out.line(summary(changes.size()));
        }
        return Mbctl.OK;
    }

    /**
     * Before the first change, the gateway checks each one as a dry run: its own validation and database checks, the
     * same refusal the change would get, and nothing stored. A change that refers to an object an earlier change of
     * this file creates cannot be checked before that object exists: those are returned with what they wait for, and
     * are checked when applied.
     */
    private static Map<Change, String> checkedByTheGateway(List<Change> changes, AdminClient dryRun) {
        Set<String> created = new HashSet<>();
        Map<Change, String> waiting = new IdentityHashMap<>();
        for (Change change : changes) {
            List<String> missing = change.needs().stream().filter(created::contains).toList();
            if (!missing.isEmpty()) {
                waiting.put(change, String.join(" and ", missing));
            } else {
                try {
                    change.step().run(dryRun);
                } catch (ApiException e) {
                    throw refused(change, e);
                }
            }
            if ("create".equals(change.action())) {
                created.add(change.object());
            }
        }
        return waiting;
    }

    /** The gateway's refusal, naming the change it refused. */
    private static ApiException refused(Change change, ApiException e) {
        ObjectNode error = e.error().isObject() ? ((ObjectNode) e.error()).deepCopy()
                : AdminClient.JSON.createObjectNode();
        error.put("message", change.action() + " " + change.object() + ": " + e.getMessage());
        return new ApiException(e.status(), error);
    }

    private String summary(int count) {
        if (count == 0) {
            return "No changes: the gateway already matches " + file + ".";
        }
        String changes = count + (count == 1 ? " change" : " changes");
        return dryRun ? "Dry run: " + changes + " would be made; nothing was changed." : "Applied " + changes + ".";
    }

    private String describe(ObjectNode change) {
        StringBuilder line = new StringBuilder(dryRun ? "would " : "")
                .append(change.path("action").asText()).append(' ')
                .append(change.path("kind").asText()).append(' ').append(change.path("name").asText());
        if (change.has("waits_for")) {
            line.append(" (checked when applied: it needs ").append(change.path("waits_for").asText())
                    .append(", which this file creates)");
        }
        if (change.has("fields")) {
            List<String> fields = new ArrayList<>();
            change.path("fields").forEach(f -> fields.add(f.asText()));
            line.append(" (").append(String.join(", ", fields)).append(')');
        }
        if (change.has("key")) {
            line.append("\n  key ").append(change.path("id").asLong()).append(", its secret shown only now: ")
                    .append(change.path("key").asText());
        }
        return line.toString();
    }
}
