package io.modelbridge.admin.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.admin.Mbctl;
import io.modelbridge.admin.client.AdminClient;
import io.modelbridge.admin.output.Cells;
import io.modelbridge.admin.output.Output;
import io.modelbridge.admin.output.Table;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code user add|list|show|enable|disable|remove}. */
@Command(name = "user", description = "Manage users: the people and services that own API keys.")
public final class UserCommand {
    @ParentCommand
    private Mbctl root;

    @Command(name = "add", description = "Create a user.")
    int add(@Parameters(paramLabel = "NAME", description = "Letters, digits and . _ : @ -") String name,
            @Option(names = "--email", paramLabel = "E") String email,
            @Option(names = "--role", paramLabel = "user|admin", completionCandidates = Candidates.Roles.class,
                    description = "Default: user.") String role,
            @Option(names = "--quota", paramLabel = "CREDITS", description = "Initial credits (default 0).")
            BigDecimal quota) {
        ObjectNode body = AdminClient.JSON.createObjectNode().put("name", name);
        if (email != null) {
            body.put("email", email);
        }
        if (role != null) {
            body.put("role", role);
        }
        if (quota != null) {
            body.put("quota", quota);
        }
        JsonNode user = root.client().post("/users", body);
        root.out().result(user, "Created user " + name + " (role " + user.path("role").asText() + ", quota "
                + user.path("quota_balance").decimalValue().toPlainString() + ").");
        return Mbctl.OK;
    }

    @Command(name = "list", description = "List users.")
    int list() {
        JsonNode users = root.client().get("/users");
        Output out = root.out();
        if (out.isJson()) {
            out.json(users);
            return Mbctl.OK;
        }
        Table table = new Table("NAME", "EMAIL", "ROLE", "ENABLED", "QUOTA", "CREATED");
        users.path("data").forEach(u -> table.row(u.path("name"), u.path("email"), u.path("role"),
                u.path("enabled"), u.path("quota_balance"), Cells.instant(u.path("created_at"))));
        out.table(table);
        return Mbctl.OK;
    }

    @Command(name = "show", description = "Show one user and their keys.")
    int show(@Parameters(paramLabel = "NAME", completionCandidates = Candidates.Users.class) String name) {
        JsonNode user = root.client().get("/users/" + AdminClient.segment(name));
        Output out = root.out();
        if (out.isJson()) {
            out.json(user);
            return Mbctl.OK;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", user.path("name"));
        fields.put("email", user.path("email"));
        fields.put("role", user.path("role"));
        fields.put("enabled", user.path("enabled"));
        fields.put("quota", user.path("quota_balance"));
        fields.put("created", Cells.instant(user.path("created_at")));
        JsonNode keys = root.client().get(AdminClient.withQuery("/keys", Map.of("user", name)));
        fields.put("keys", keys.path("data").size());
        out.fields(fields);
        return Mbctl.OK;
    }

    @Command(name = "disable", description = "Refuse every key of a user until enabled again.")
    int disable(@Parameters(paramLabel = "NAME", completionCandidates = Candidates.Users.class) String name) {
        return setEnabled(name, false);
    }

    @Command(name = "enable", description = "Let a disabled user's keys work again.")
    int enable(@Parameters(paramLabel = "NAME", completionCandidates = Candidates.Users.class) String name) {
        return setEnabled(name, true);
    }

    @Command(name = "remove", description = "Delete a user with their keys and quota ledger (usage rows stay).")
    int remove(@Parameters(paramLabel = "NAME", completionCandidates = Candidates.Users.class) String name) {
        JsonNode deleted = root.client().delete("/users/" + AdminClient.segment(name));
        root.out().result(deleted, "Removed user " + name + " and their keys.");
        return Mbctl.OK;
    }

    private int setEnabled(String name, boolean enabled) {
        JsonNode user = root.client().patch("/users/" + AdminClient.segment(name),
                AdminClient.JSON.createObjectNode().put("enabled", enabled));
        root.out().result(user, "User " + name + (enabled ? " enabled." : " disabled: their keys are refused."));
        return Mbctl.OK;
    }
}
