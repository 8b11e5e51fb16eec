package io.modelbridge.admin.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.admin.Mbctl;
import io.modelbridge.admin.client.AdminClient;
import io.modelbridge.admin.output.Cells;
import io.modelbridge.admin.output.Output;
import io.modelbridge.admin.output.Table;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code key create|update|list|show|revoke}. The secret is printed once, at creation. */
@Command(name = "key", description = "Manage API keys (secrets are shown once, when created).")
public final class KeyCommand {
    private static final Pattern DURATION = Pattern.compile("\\d{1,6}[smhdw]");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final String PROFILE = "Fields of answers: full (all the upstream sent) or classic (the 2023 "
            + "chat-completion fields, for strict clients); default follows MB_RESPONSE_PROFILE.";

    @ParentCommand
    private Mbctl root;

    @Spec
    private CommandSpec spec;

    @Command(name = "create", description = "Create a key for a user and print its secret once.")
    int create(@Option(names = "--user", required = true, paramLabel = "NAME",
                       completionCandidates = Candidates.Users.class) String user,
               @Option(names = "--label", paramLabel = "L") String label,
               @Option(names = "--models", split = ",", paramLabel = "MODEL",
                       completionCandidates = Candidates.ServedModels.class,
                       description = "Models the key may call (default: all).") List<String> models,
               @SetsField({"expires_in", "expires_at"})
               @Option(names = "--expires", paramLabel = "30d|DATE",
                       description = "A duration (90s, 15m, 12h, 30d, 2w), a date (2030-01-31) or an ISO instant.")
               String expires,
               @Option(names = "--rpm", paramLabel = "N", description = "Requests per minute for this key.") Integer rpm,
               @Option(names = "--tpm", paramLabel = "N", description = "Tokens per minute for this key.") Integer tpm,
               @SetsField("response_profile")
               @Option(names = "--profile", paramLabel = "full|classic", description = PROFILE) String profile) {
        ObjectNode body = AdminClient.JSON.createObjectNode().put("user", user);
        if (profile != null) {
            profile(profile, body, spec);
        }
        if (label != null) {
            body.put("label", label);
        }
        if (models != null) {
            models.forEach(body.putArray("models")::add);
        }
        if (expires != null) {
            expiry(expires, body, spec);
        }
        if (rpm != null) {
            body.put("rpm", rpm);
        }
        if (tpm != null) {
            body.put("tpm", tpm);
        }
        JsonNode key = root.client().post("/keys", body);
        Output out = root.out();
        if (out.isJson()) {
            out.json(key);
        } else {
            out.line("Created key " + key.path("id").asText() + " for " + user + ". Its secret, shown only now:");
            out.line(key.path("key").asText());
        }
        return Mbctl.OK;
    }

    @Command(name = "update", description = "Change a key's response profile.")
    int update(@Parameters(paramLabel = "ID", completionCandidates = Candidates.KeyIds.class) long id,
               @SetsField("response_profile")
               @Option(names = "--profile", required = true, paramLabel = "full|classic|default", description = PROFILE)
               String profile) {
        ObjectNode body = AdminClient.JSON.createObjectNode();
        profile(profile, body, spec);
        JsonNode key = root.client().patch("/keys/" + id, body);
        root.out().result(key, "Key " + id + " answers with the " + profileName(key) + " profile.");
        return Mbctl.OK;
    }

    /** {@code --profile} as {@code response_profile}: full, classic, or default (null, the operator's). */
    static void profile(String text, ObjectNode body, CommandSpec spec) {
        switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "full", "classic" -> body.put("response_profile", text.strip().toLowerCase(Locale.ROOT));
            case "default" -> body.putNull("response_profile");
            default -> throw new ParameterException(spec.commandLine(), "Invalid value for option '--profile': '"
                    + text + "' is not full, classic or default.");
        }
    }

    private static String profileName(JsonNode key) {
        return key.path("response_profile").isNull() ? "default" : key.path("response_profile").asText();
    }

    /** {@code --expires} as {@code expires_in} (a duration) or {@code expires_at} (a date or an ISO instant). */
    static void expiry(String text, ObjectNode body, CommandSpec spec) {
        if (DURATION.matcher(text).matches()) {
            body.put("expires_in", text);
        } else if (DATE.matcher(text).matches()) {
            body.put("expires_at", text + "T00:00:00Z");
        } else if (text.contains("T")) {
            body.put("expires_at", text);
        } else {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--expires': '" + text
                    + "' is neither a duration (30d), a date (2030-01-31) nor an ISO instant.");
        }
    }

    @Command(name = "list", description = "List keys (prefixes only; secrets are never stored).")
    int list(@Option(names = "--user", paramLabel = "NAME", completionCandidates = Candidates.Users.class)
             String user) {
        JsonNode keys = root.client().get(AdminClient.withQuery("/keys", user == null ? Map.of() : Map.of("user", user)));
        Output out = root.out();
        if (out.isJson()) {
            out.json(keys);
            return Mbctl.OK;
        }
        Table table = new Table("ID", "USER", "KEY", "LABEL", "MODELS", "STATE", "EXPIRES", "RPM", "TPM", "LAST USED");
        keys.path("data").forEach(k -> table.row(k.path("id"), k.path("user"), masked(k), k.path("label"),
                k.path("models").isEmpty() ? "all" : k.path("models"), state(k), Cells.instant(k.path("expires_at")),
                k.path("rpm"), k.path("tpm"), Cells.instant(k.path("last_used_at"))));
        out.table(table);
        return Mbctl.OK;
    }

    @Command(name = "show", description = "Show one key.")
    int show(@Parameters(paramLabel = "ID", completionCandidates = Candidates.KeyIds.class) long id) {
        JsonNode k = root.client().get("/keys/" + id);
        Output out = root.out();
        if (out.isJson()) {
            out.json(k);
            return Mbctl.OK;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", k.path("id"));
        fields.put("user", k.path("user"));
        fields.put("key", masked(k));
        fields.put("label", k.path("label"));
        fields.put("models", k.path("models").isEmpty() ? "all" : k.path("models"));
        fields.put("cidrs", k.path("cidrs").isEmpty() ? "any" : k.path("cidrs"));
        fields.put("state", state(k));
        fields.put("expires", Cells.instant(k.path("expires_at")));
        fields.put("rpm", k.path("rpm"));
        fields.put("tpm", k.path("tpm"));
        fields.put("profile", profileName(k));
        fields.put("last used", Cells.instant(k.path("last_used_at")));
        fields.put("created", Cells.instant(k.path("created_at")));
        out.fields(fields);
        return Mbctl.OK;
    }

    @Command(name = "revoke", description = "Revoke a key for good.")
    int revoke(@Parameters(paramLabel = "ID", completionCandidates = Candidates.KeyIds.class) long id) {
        JsonNode key = root.client().post("/keys/" + id + "/revoke", AdminClient.JSON.createObjectNode());
        root.out().result(key, "Revoked key " + id + " (" + masked(key) + ") of " + key.path("user").asText() + ".");
        return Mbctl.OK;
    }

    /** Only the stored prefix, marked as cut: the secret itself exists nowhere after creation. */
    static String masked(JsonNode key) {
        return key.path("prefix").asText() + "…";
    }

    private static String state(JsonNode k) {
        if (k.path("revoked").asBoolean()) {
            return "revoked";
        }
        if (k.path("expired").asBoolean()) {
            return "expired";
        }
        return k.path("enabled").asBoolean() ? "active" : "disabled";
    }
}
