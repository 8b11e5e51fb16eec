package io.modelbridge.gateway.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.db.repo.Alias;
import io.modelbridge.db.repo.AliasRepository;
import io.modelbridge.db.repo.AliasTarget;
import io.modelbridge.db.repo.ChannelRepository;
import io.modelbridge.gateway.cluster.ChangeListener.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** /aliases: PUT replaces an alias and all its targets; list, show, delete. */
final class AliasesHandler {
    private static final Set<String> PUT = Set.of("description", "targets");
    private static final Set<String> TARGET = Set.of("channel", "model", "priority", "weight");
    private final AdminDeps deps;

    AliasesHandler(AdminDeps deps) {
        this.deps = deps;
    }

    void routes(HttpRules rules, Guard guard) {
        rules.put("/aliases/{name}", guard.wrap(this::put))
                .get("/aliases", guard.wrap(this::list))
                .get("/aliases/{name}", guard.wrap(this::show))
                .delete("/aliases/{name}", guard.wrap(this::delete));
    }

    private void put(ServerRequest req, ServerResponse res) {
        String name = FieldValidation.model(AdminDeps.pathParam(req, "name"), "name");
        JsonBody body = deps.body(req, PUT);
        String description = body.text("description").orElse(null);
        List<JsonBody> items = body.objects("targets", TARGET)
                .orElseThrow(() -> FieldValidation.invalid("'targets' is required (an empty array routes nowhere).",
                        "targets"));
        Alias alias = deps.changes().apply(Topic.ROUTES, (tx, audit) -> {
            List<AliasTarget> targets = targets(items, new ChannelRepository(tx));
            Alias saved = new AliasRepository(tx).put(name, description, targets);
            audit.record("alias.put", "alias", name, view(saved));
            return saved;
        });
        deps.responses().ok(res, view(alias));
    }

    private static List<AliasTarget> targets(List<JsonBody> items, ChannelRepository channels) {
        List<AliasTarget> targets = new ArrayList<>();
        for (JsonBody t : items) {
            String channel = t.requireText("channel");
            if (channels.find(channel).isEmpty()) {
                throw FieldValidation.invalid("No channel named '" + channel + "'.", t.name("channel"));
            }
            String model = t.text("model").map(m -> FieldValidation.model(m, t.name("model"))).orElse(null);
            int priority = t.integer("priority").orElse(0);
            int weight = FieldValidation.positive(t.integer("weight").orElse(1), t.name("weight"));
            targets.add(new AliasTarget(channel, model, priority, weight));
        }
        return targets;
    }

    private void list(ServerRequest req, ServerResponse res) {
        deps.responses().ok(res, deps.responses().list(new AliasRepository(deps.db().dsl()).list(), this::view));
    }

    private void show(ServerRequest req, ServerResponse res) {
        String name = AdminDeps.pathParam(req, "name");
        deps.responses().ok(res, view(new AliasRepository(deps.db().dsl()).find(name)
                .orElseThrow(() -> FieldValidation.notFound("alias", name))));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String name = AdminDeps.pathParam(req, "name");
        deps.changes().apply(Topic.ROUTES, (tx, audit) -> {
            if (!new AliasRepository(tx).delete(name)) {
                throw FieldValidation.notFound("alias", name);
            }
            audit.record("alias.delete", "alias", name, deps.responses().node());
            return null;
        });
        deps.responses().ok(res, deps.responses().deleted("alias", name));
    }

    ObjectNode view(Alias a) {
        ObjectNode node = deps.responses().object("alias").put("name", a.name()).put("description", a.description());
        ArrayNode targets = node.putArray("targets");
        a.targets().forEach(t -> targets.addObject().put("channel", t.channel()).put("model", t.upstreamModel())
                .put("priority", t.priority()).put("weight", t.weight()));
        return node;
    }
}
