package io.modelbridge.admin.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.admin.Mbctl;
import io.modelbridge.admin.client.AdminClient;
import io.modelbridge.admin.output.Cells;
import io.modelbridge.admin.output.Output;
import io.modelbridge.admin.output.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Iterator;
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

/** {@code portal show|set} and {@code portal invite create|list|revoke}: the self-service portal. */
@Command(name = "portal", description = "Manage the self-service portal: who may sign up and what they get.",
        subcommands = PortalCommand.Invite.class)
public final class PortalCommand {
    @ParentCommand
    private Mbctl root;

    @Spec
    private CommandSpec spec;

    @Command(name = "show", description = "Show the portal's settings.")
    int show() {
        JsonNode settings = root.client().get("/portal");
        Output out = root.out();
        if (out.isJson()) {
            out.json(settings);
            return Mbctl.OK;
        }
        out.fields(fields(settings));
        return Mbctl.OK;
    }

    @Command(name = "set", description = "Change the portal's settings (only the options given).")
    int set(@Option(names = "--registration", paramLabel = "open|closed|invite",
                    completionCandidates = Registrations.class,
                    description = "open: anyone with an allowed address; closed: nobody; invite: with an invite code.")
            String registration,
            @SetsField("allowed_domains")
            @Option(names = "--domains", split = ",", paramLabel = "DOMAIN",
                    description = "Email domains that may sign up (a.com,b.org); '' for any domain.")
            List<String> domains,
            @Option(names = "--free-quota", paramLabel = "CREDITS",
                    description = "Credits a new user gets once their address is confirmed.") BigDecimal freeQuota,
            @Option(names = "--rpm", paramLabel = "N|none", description = "A new user's requests per minute.")
            String rpm,
            @Option(names = "--tpm", paramLabel = "N|none", description = "A new user's tokens per minute.")
            String tpm,
            @Option(names = "--models", split = ",", paramLabel = "ALIAS",
                    completionCandidates = Candidates.Aliases.class, description = "Aliases a new user's keys may call; '' for all.") List<String> models) {
        ObjectNode body = AdminClient.JSON.createObjectNode();
        if (registration != null) {
            body.put("registration", registration);
        }
        if (domains != null) {
            strings(body.putArray("allowed_domains"), domains);
        }
        if (freeQuota != null) {
            body.put("free_quota", freeQuota);
        }
        if (rpm != null) {
            limit(body, "rpm", rpm);
        }
        if (tpm != null) {
            limit(body, "tpm", tpm);
        }
        if (models != null) {
            strings(body.putArray("models"), models);
        }
        if (body.isEmpty()) {
            throw new ParameterException(spec.commandLine(),
                    "Give at least one of --registration, --domains, --free-quota, --rpm, --tpm, --models.");
        }
        JsonNode settings = root.client().patch("/portal", body);
        root.out().result(settings, "Portal: " + summary(settings) + ".");
        return Mbctl.OK;
    }

    /** The values of a split list option without blanks: {@code --domains ''} is the empty list. */
    private static void strings(ArrayNode array, List<String> values) {
        values.stream().map(String::strip).filter(v -> !v.isEmpty()).forEach(array::add);
    }

    private void limit(ObjectNode body, String field, String value) {
        if ("none".equalsIgnoreCase(value)) {
            body.putNull(field);
        } else if (value.matches("-?\\d{1,10}") && Long.parseLong(value) == (int) Long.parseLong(value)) {
            body.put(field, Integer.parseInt(value));
        } else {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--" + field + "': '" + value
                    + "' is neither a whole number nor 'none'.");
        }
    }

    static Map<String, Object> fields(JsonNode s) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("registration", s.path("registration"));
        fields.put("allowed domains", s.path("allowed_domains").isEmpty() ? "any" : s.path("allowed_domains"));
        fields.put("free quota", s.path("free_quota"));
        fields.put("rpm", s.path("rpm"));
        fields.put("tpm", s.path("tpm"));
        fields.put("models", s.path("models").isEmpty() ? "all" : s.path("models"));
        return fields;
    }

    private static String summary(JsonNode s) {
        return "registration " + s.path("registration").asText()
                + ", domains " + (s.path("allowed_domains").isEmpty() ? "any" : Cells.text(s.path("allowed_domains")))
                + ", free quota " + Cells.text(s.path("free_quota"))
                + ", " + (s.path("rpm").isNull() ? "no rpm" : s.path("rpm").asInt() + " rpm")
                + ", " + (s.path("tpm").isNull() ? "no tpm" : s.path("tpm").asInt() + " tpm")
                + ", models " + (s.path("models").isEmpty() ? "all" : Cells.text(s.path("models")));
    }

    /** Completion offers the three registration modes. */
    static final class Registrations implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("open", "closed", "invite").iterator();
        }
    }

    /** {@code portal invite create|list|revoke}: the codes that let people sign up while registration is invite. */
    @Command(name = "invite", description = "Manage invite codes (needed to sign up while registration is invite).")
    public static final class Invite {
        @ParentCommand
        private PortalCommand portal;

        @Spec
        private CommandSpec spec;

        @Command(name = "create", description = "Create an invite code and print it.")
        int create(@Option(names = "--uses", paramLabel = "N", description = "Sign-ups the code allows (default 1).")
                   Integer uses,
                   @SetsField({"expires_in", "expires_at"})
                   @Option(names = "--expires", paramLabel = "7d|DATE",
                           description = "A duration (12h, 7d, 2w), a date (2030-01-31) or an ISO instant; "
                                   + "default: never.") String expires) {
            ObjectNode body = AdminClient.JSON.createObjectNode();
            if (uses != null) {
                body.put("uses", uses);
            }
            if (expires != null) {
                KeyCommand.expiry(expires, body, spec);
            }
            JsonNode invite = portal.root.client().post("/portal/invites", body);
            Output out = portal.root.out();
            if (out.isJson()) {
                out.json(invite);
            } else {
                int max = invite.path("max_uses").asInt();
                out.line("Created an invite for " + max + (max == 1 ? " sign-up" : " sign-ups")
                        + (invite.path("expires_at").isNull() ? "" : ", until "
                        + Cells.instant(invite.path("expires_at"))) + ":");
                out.line(invite.path("code").asText());
            }
            return Mbctl.OK;
        }

        @Command(name = "list", description = "List invite codes with their uses.")
        int list() {
            JsonNode invites = portal.root.client().get("/portal/invites");
            Output out = portal.root.out();
            if (out.isJson()) {
                out.json(invites);
                return Mbctl.OK;
            }
            Table table = new Table("CODE", "USES", "STATE", "EXPIRES", "CREATED");
            invites.path("data").forEach(i -> table.row(i.path("code"),
                    i.path("uses").asInt() + "/" + i.path("max_uses").asInt(), state(i),
                    Cells.instant(i.path("expires_at")), Cells.instant(i.path("created_at"))));
            out.table(table);
            return Mbctl.OK;
        }

        @Command(name = "revoke", description = "Delete an invite code: it admits nobody any more.")
        int revoke(@Parameters(paramLabel = "CODE", completionCandidates = Candidates.InviteCodes.class)
                   String code) {
            JsonNode deleted = portal.root.client().delete("/portal/invites/" + AdminClient.segment(code));
            portal.root.out().result(deleted, "Revoked invite " + code + ".");
            return Mbctl.OK;
        }

        private static String state(JsonNode invite) {
            if (invite.path("uses").asInt() >= invite.path("max_uses").asInt()) {
                return "used up";
            }
            if (invite.path("expires_at").isTextual()
                    && !Instant.parse(invite.path("expires_at").asText()).isAfter(Instant.now())) {
                return "expired";
            }
            return "usable";
        }
    }
}
