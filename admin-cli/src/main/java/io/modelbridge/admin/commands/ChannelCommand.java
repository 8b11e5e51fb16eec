package io.modelbridge.admin.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.admin.Mbctl;
import io.modelbridge.admin.client.AdminClient;
import io.modelbridge.admin.output.Cells;
import io.modelbridge.admin.output.Output;
import io.modelbridge.admin.output.Table;
import io.modelbridge.admin.repl.RedactingHistory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code channel add|update|list|show|test|enable|disable|remove}. Credentials go in and never come out. */
@Command(name = "channel", description = "Manage channels: a vendor account (provider, credential, endpoint, models).")
public final class ChannelCommand {
    /** Longer than any channel's read timeout default (120 s): the gateway answers first. */
    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(180);
    private static final String RESPONSES_API = "How POST /v1/responses reaches the channel: 'native' (an openai "
            + "upstream that serves the Responses API itself gets the request as sent) or 'translate' (through chat, "
            + "the default).";

    @ParentCommand
    private Mbctl root;

    @Spec
    private CommandSpec spec;

    @Command(name = "add", description = "Create a channel.")
    int add(@Parameters(paramLabel = "NAME") String name,
            @Option(names = "--provider", required = true, paramLabel = "ID",
                    completionCandidates = Candidates.Providers.class,
                    description = "A provider id served by a loaded plugin (see 'plugin list').") String provider,
            @Option(names = "--credential", required = true, paramLabel = "SECRET",
                    description = "The vendor key; '-' reads it from standard input.") String credential,
            @Option(names = "--base-url", paramLabel = "URL", description = "Default: the vendor's own endpoint.")
            String baseUrl,
            @Option(names = "--models", split = ",", paramLabel = "MODEL", completionCandidates = Candidates.Models.class)
            List<String> models,
            @Option(names = "--priority", paramLabel = "N", description = "Lower is tried first (default 0).")
            Integer priority,
            @Option(names = "--weight", paramLabel = "N", description = "Share within a priority (default 1).")
            Integer weight,
            @Option(names = "--responses-api", paramLabel = "MODE", description = RESPONSES_API) String responsesApi) {
        ObjectNode body = AdminClient.JSON.createObjectNode().put("name", name).put("provider", provider)
                .put("credential", secret(credential));
        settings(body, baseUrl, models, priority, weight, responsesApi);
        JsonNode channel = root.client().post("/channels", body);
        root.out().result(channel, "Created channel " + name + " (" + provider + ", credential "
                + channel.path("credential_hint").asText("set") + "). Try it: channel test " + name);
        return Mbctl.OK;
    }

    @Command(name = "update", description = "Change a channel's credential, endpoint, models, priority, weight or "
            + "Responses API mode.")
    int update(@Parameters(paramLabel = "NAME", completionCandidates = Candidates.Channels.class) String name,
               @Option(names = "--credential", paramLabel = "SECRET",
                       description = "A new vendor key; '-' reads it from standard input.") String credential,
               @Option(names = "--base-url", paramLabel = "URL", description = "\"\" for the vendor's own endpoint.")
               String baseUrl,
               @Option(names = "--models", split = ",", paramLabel = "MODEL",
                       completionCandidates = Candidates.Models.class) List<String> models,
               @Option(names = "--priority", paramLabel = "N") Integer priority,
               @Option(names = "--weight", paramLabel = "N") Integer weight,
               @Option(names = "--responses-api", paramLabel = "MODE", description = RESPONSES_API)
               String responsesApi) {
        ObjectNode body = AdminClient.JSON.createObjectNode();
        if (credential != null) {
            body.put("credential", secret(credential));
        }
        settings(body, baseUrl, models, priority, weight, responsesApi);
        if (body.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "Nothing to change: give at least one of --credential, "
                    + "--base-url, --models, --priority, --weight, --responses-api.");
        }
        JsonNode channel = root.client().patch(path(name), body);
        root.out().result(channel, "Updated channel " + name + ": " + String.join(", ", fieldNames(body)) + ".");
        return Mbctl.OK;
    }

    @Command(name = "list", description = "List channels (credentials masked).")
    int list() {
        JsonNode channels = root.client().get("/channels");
        Output out = root.out();
        if (out.isJson()) {
            out.json(channels);
            return Mbctl.OK;
        }
        Table table = new Table("NAME", "PROVIDER", "MODELS", "PRIO", "WEIGHT", "ENABLED", "BREAKER", "CREDENTIAL",
                "BASE URL");
        channels.path("data").forEach(c -> table.row(c.path("name"), provider(c), c.path("models"),
                c.path("priority"), c.path("weight"), c.path("enabled"), c.at("/breaker/state"), credential(c),
                c.path("base_url")));
        out.table(table);
        return Mbctl.OK;
    }

    @Command(name = "show", description = "Show one channel (credential masked).")
    int show(@Parameters(paramLabel = "NAME", completionCandidates = Candidates.Channels.class) String name) {
        JsonNode c = root.client().get(path(name));
        Output out = root.out();
        if (out.isJson()) {
            out.json(c);
            return Mbctl.OK;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", c.path("name"));
        fields.put("provider", provider(c));
        fields.put("credential", credential(c));
        fields.put("base url", c.path("base_url").asText().isEmpty() ? "(the vendor's own)" : c.path("base_url"));
        fields.put("models", c.path("models"));
        fields.put("priority", c.path("priority"));
        fields.put("weight", c.path("weight"));
        fields.put("enabled", c.path("enabled"));
        fields.put("responses", c.path("responses_api"));
        fields.put("breaker", breaker(c.path("breaker")));
        fields.put("timeouts", c.path("connect_timeout_ms").asText() + " ms connect, "
                + c.path("read_timeout_ms").asText() + " ms read");
        fields.put("extras", c.path("extras").isEmpty() ? null : c.path("extras").toString());
        fields.put("created", Cells.instant(c.path("created_at")));
        out.fields(fields);
        return Mbctl.OK;
    }

    @Command(name = "test", description = {"Send one minimal chat request through the channel, enabled or not;",
        "report the latency or the error a client would get (exit 1). A success closes its breaker."})
    int test(@Parameters(paramLabel = "NAME", completionCandidates = Candidates.Channels.class) String name,
             @Option(names = "--model", paramLabel = "M", completionCandidates = Candidates.Models.class,
                     description = "Default: the channel's first model.") String model) {
        ObjectNode body = AdminClient.JSON.createObjectNode();
        if (model != null) {
            body.put("model", model);
        }
        JsonNode result = root.client().postSlow(path(name) + "/test", body, TEST_TIMEOUT);
        Output out = root.out();
        boolean ok = result.path("ok").asBoolean();
        if (out.isJson()) {
            out.json(result);
        } else if (ok) {
            out.line("Channel " + name + " works: " + result.path("model").asText() + " answered in "
                    + result.path("latency_ms").asLong() + " ms.");
        }
        if (!ok) {
            JsonNode error = result.path("error");
            int upstream = error.path("upstream_status").asInt();
            out.error("channel " + name + " failed the test with " + result.path("model").asText() + " after "
                    + result.path("latency_ms").asLong() + " ms: " + error.path("message").asText() + " (HTTP "
                    + error.path("status").asInt() + " " + error.path("code").asText()
                    + (upstream > 0 ? "; the upstream answered HTTP " + upstream : "") + ")", error);
            return Mbctl.REFUSED;
        }
        return Mbctl.OK;
    }

    @Command(name = "enable", description = "Route traffic to the channel again.")
    int enable(@Parameters(paramLabel = "NAME", completionCandidates = Candidates.Channels.class) String name) {
        return setEnabled(name, true);
    }

    @Command(name = "disable", description = "Stop routing traffic to the channel.")
    int disable(@Parameters(paramLabel = "NAME", completionCandidates = Candidates.Channels.class) String name) {
        return setEnabled(name, false);
    }

    @Command(name = "remove", description = "Delete a channel (its alias targets go with it).")
    int remove(@Parameters(paramLabel = "NAME", completionCandidates = Candidates.Channels.class) String name) {
        JsonNode deleted = root.client().delete(path(name));
        root.out().result(deleted, "Removed channel " + name + ".");
        return Mbctl.OK;
    }

    private int setEnabled(String name, boolean enabled) {
        JsonNode channel = root.client().patch(path(name), AdminClient.JSON.createObjectNode().put("enabled", enabled));
        root.out().result(channel, "Channel " + name + (enabled ? " enabled." : " disabled."));
        return Mbctl.OK;
    }

    private static void settings(ObjectNode body, String baseUrl, List<String> models, Integer priority,
                                 Integer weight, String responsesApi) {
        if (responsesApi != null) {
            body.put("responses_api", responsesApi);
        }
        if (baseUrl != null) {
            body.put("base_url", baseUrl);
        }
        if (models != null) {
            models.forEach(body.putArray("models")::add);
        }
        if (priority != null) {
            body.put("priority", priority);
        }
        if (weight != null) {
            body.put("weight", weight);
        }
    }

    /** The credential as given, or read from standard input for '-' (keeps it out of shell history and ps). */
    private String secret(String credential) {
        if (RedactingHistory.MASK.equals(credential.strip())) {
            throw new ParameterException(spec.commandLine(), "--credential is '" + RedactingHistory.MASK
                    + "', the mask the console's history keeps in place of a credential, not a credential: type the"
                    + " credential itself (the line recalled from the history has lost it).");
        }
        if (!"-".equals(credential)) {
            return credential;
        }
        if (root.inConsole()) {
            throw new ParameterException(spec.commandLine(), "--credential - reads standard input, which the console "
                    + "is using: type the credential (the console history keeps it masked).");
        }
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--credential -: standard input had no credential.");
            }
            return line.strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> fieldNames(ObjectNode body) {
        return body.properties().stream().map(Map.Entry::getKey).toList();
    }

    private static String provider(JsonNode c) {
        return c.path("provider").asText() + (c.path("provider_available").asBoolean() ? "" : " (not loaded)");
    }

    /** {@code closed}, {@code half_open}, or {@code open until 10:15:02Z after 5 failures}. */
    private static String breaker(JsonNode b) {
        if (b.isMissingNode()) {
            return null;
        }
        String state = b.path("state").asText();
        return "open".equals(state) ? "open until " + Cells.instant(b.path("retry_at")) + " after "
                + b.path("consecutive_failures").asInt() + " failures" : state;
    }

    static String credential(JsonNode c) {
        if (c.has("credential_error")) {
            return "unreadable: set it again";
        }
        return c.path("credential_set").asBoolean() ? c.path("credential_hint").asText("set") : Cells.NONE;
    }

    private static String path(String name) {
        return "/channels/" + AdminClient.segment(name);
    }
}
