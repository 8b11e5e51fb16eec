package io.modelbridge.gateway.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.db.repo.ModelPrice;
import io.modelbridge.db.repo.PriceRepository;
import io.modelbridge.gateway.cluster.ChangeListener.Topic;
import java.math.BigDecimal;
import java.util.Set;

/** /prices: PUT /prices/{model} (cached_input_per_1k optional: absent, cached prompt tokens cost the input price), list, delete. */
final class PricesHandler {
    private static final Set<String> PUT = Set.of("input_per_1k", "cached_input_per_1k", "output_per_1k");
    private final AdminDeps deps;

    PricesHandler(AdminDeps deps) {
        this.deps = deps;
    }

    void routes(HttpRules rules, Guard guard) {
        rules.put("/prices/{model}", guard.wrap(this::put))
                .get("/prices", guard.wrap(this::list))
                .delete("/prices/{model}", guard.wrap(this::delete));
    }

    private void put(ServerRequest req, ServerResponse res) {
        String model = FieldValidation.model(AdminDeps.pathParam(req, "model"), "model");
        JsonBody body = deps.body(req, PUT);
        BigDecimal cached = body.decimal("cached_input_per_1k")
                .map(value -> FieldValidation.credits(value, "cached_input_per_1k")).orElse(null);
        ModelPrice price = new ModelPrice(model, amount(body, "input_per_1k"), cached, amount(body, "output_per_1k"));
        deps.changes().apply(Topic.PRICES, (tx, audit) -> {
            new PriceRepository(tx).put(price);
            audit.record("price.put", "model_price", model, view(price));
            return null;
        });
        deps.responses().ok(res, view(price));
    }

    private static BigDecimal amount(JsonBody body, String field) {
        return FieldValidation.credits(body.decimal(field)
                .orElseThrow(() -> FieldValidation.invalid("'" + field + "' is required.", field)), field);
    }

    private void list(ServerRequest req, ServerResponse res) {
        deps.responses().ok(res, deps.responses().list(new PriceRepository(deps.db().dsl()).list(), this::view));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String model = AdminDeps.pathParam(req, "model");
        deps.changes().apply(Topic.PRICES, (tx, audit) -> {
            if (!new PriceRepository(tx).delete(model)) {
                throw FieldValidation.notFound("price for model", model);
            }
            audit.record("price.delete", "model_price", model, deps.responses().node());
            return null;
        });
        deps.responses().ok(res, deps.responses().deleted("model_price", model));
    }

    ObjectNode view(ModelPrice p) {
        ObjectNode node = deps.responses().object("model_price").put("model", p.model());
        JsonResponses.put(node, "input_per_1k", p.inputPer1k());
        JsonResponses.put(node, "cached_input_per_1k", p.cachedInputPer1k());
        JsonResponses.put(node, "output_per_1k", p.outputPer1k());
        return node;
    }
}
