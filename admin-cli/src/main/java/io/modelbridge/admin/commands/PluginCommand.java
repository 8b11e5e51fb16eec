package io.modelbridge.admin.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.admin.Mbctl;
import io.modelbridge.admin.client.AdminClient;
import io.modelbridge.admin.output.Output;
import io.modelbridge.admin.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code plugin list|reload}: the provider plugins the gateway has loaded. */
@Command(name = "plugin", description = "List provider plugins and reload one from its jar.")
public final class PluginCommand {
    @ParentCommand
    private Mbctl root;

    @Command(name = "list", description = "List plugins with their providers and state.")
    int list() {
        JsonNode plugins = root.client().get("/plugins");
        Output out = root.out();
        if (out.isJson()) {
            out.json(plugins);
            return Mbctl.OK;
        }
        Table table = new Table("ID", "VERSION", "STATE", "PROVIDERS", "CREDENTIAL", "MODELS", "ERROR");
        plugins.path("data").forEach(p -> table.row(p.path("id"), p.path("version"), p.path("state"),
                p.path("provider_ids"), p.path("credential_format"), p.path("known_models"), p.path("error")));
        out.table(table);
        return Mbctl.OK;
    }

    @Command(name = "reload", description = "Reload a plugin from its jar (calls in flight finish on the old one).")
    int reload(@Parameters(paramLabel = "ID", completionCandidates = Candidates.Plugins.class) String id) {
        JsonNode plugin = root.client().post("/plugins/" + AdminClient.segment(id) + "/reload",
                AdminClient.JSON.createObjectNode());
        root.out().result(plugin, "Reloaded plugin " + id + " " + plugin.path("version").asText() + ": "
                + plugin.path("state").asText() + ".");
        return "FAILED".equals(plugin.path("state").asText()) ? Mbctl.REFUSED : Mbctl.OK;
    }
}
