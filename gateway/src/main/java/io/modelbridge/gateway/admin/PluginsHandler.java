package io.modelbridge.gateway.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.plugin.PluginCatalog;
import io.modelbridge.gateway.plugin.PluginView;

/** /plugins: list the loaded plugins, reload one from its jar. */
final class PluginsHandler {
    private final AdminDeps deps;
    private final PluginCatalog plugins;

    PluginsHandler(AdminDeps deps, PluginCatalog plugins) {
        this.deps = deps;
        this.plugins = plugins;
    }

    void routes(HttpRules rules, Guard guard) {
        rules.get("/plugins", guard.wrap(this::list))
                .post("/plugins/{id}/reload", guard.wrap(this::reload));
    }

    private void list(ServerRequest req, ServerResponse res) {
        deps.responses().ok(res, deps.responses().list(plugins.list(), this::view));
    }

    private void reload(ServerRequest req, ServerResponse res) {
        String id = AdminDeps.pathParam(req, "id");
        PluginView plugin = plugins.reload(id).orElseThrow(() -> FieldValidation.notFound("plugin", id));
        deps.changes().recordOnly("plugin.reload", "plugin", id, view(plugin));
        deps.responses().ok(res, view(plugin));
    }

    ObjectNode view(PluginView p) {
        ObjectNode node = deps.responses().object("plugin").put("id", p.id()).put("version", p.version())
                .put("state", p.state()).put("jar", p.jar());
        JsonResponses.putStrings(node, "provider_ids", p.providerIds());
        node.put("credential_format", p.credentialFormat());
        JsonResponses.putStrings(node, "known_models", p.knownModels());
        return node.put("error", p.error());
    }
}
