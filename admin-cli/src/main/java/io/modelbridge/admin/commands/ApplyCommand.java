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
import java.util.List;
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

    @Option(names = "--dry-run", description = "Print the changes it would make and make none.")
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
            for (Change change : changes) {
                ObjectNode line = change.json();
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
