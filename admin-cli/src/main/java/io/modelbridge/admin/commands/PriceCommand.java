package io.modelbridge.admin.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.admin.Mbctl;
import io.modelbridge.admin.client.AdminClient;
import io.modelbridge.admin.output.Cells;
import io.modelbridge.admin.output.Output;
import io.modelbridge.admin.output.Table;
import java.math.BigDecimal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code price set|list}: credits per 1000 tokens, per model. */
@Command(name = "price", description = "Manage model prices (credits per 1000 tokens).")
public final class PriceCommand {
    @ParentCommand
    private Mbctl root;

    @Command(name = "set", description = "Set the price of a model (an alias or an upstream model).")
    int set(@Parameters(paramLabel = "MODEL", completionCandidates = Candidates.ServedModels.class) String model,
            @SetsField("input_per_1k")
            @Option(names = "--input", required = true, paramLabel = "PER_1K") BigDecimal input,
            @SetsField("cached_input_per_1k")
            @Option(names = "--cached-input", paramLabel = "PER_1K", description = "Price of prompt tokens the vendor "
                    + "read from its cache (default: the input price).") BigDecimal cachedInput,
            @SetsField("output_per_1k")
            @Option(names = "--output", required = true, paramLabel = "PER_1K") BigDecimal output) {
        ObjectNode body = AdminClient.JSON.createObjectNode().put("input_per_1k", input).put("output_per_1k", output);
        if (cachedInput != null) {
            body.put("cached_input_per_1k", cachedInput);
        }
        JsonNode price = root.client().put("/prices/" + AdminClient.segment(model), body);
        JsonNode cached = price.path("cached_input_per_1k");
        root.out().result(price, "Price of " + model + ": " + Cells.text(price.path("input_per_1k")) + " in, "
                + (cached.isNumber() ? Cells.text(cached) + " cached in, " : "")
                + Cells.text(price.path("output_per_1k")) + " out per 1000 tokens.");
        return Mbctl.OK;
    }

    @Command(name = "list", description = "List model prices.")
    int list() {
        JsonNode prices = root.client().get("/prices");
        Output out = root.out();
        if (out.isJson()) {
            out.json(prices);
            return Mbctl.OK;
        }
        Table table = new Table("MODEL", "INPUT/1K", "CACHED/1K", "OUTPUT/1K");
        prices.path("data").forEach(p -> table.row(p.path("model"), p.path("input_per_1k"),
                p.path("cached_input_per_1k"), p.path("output_per_1k")));
        out.table(table);
        return Mbctl.OK;
    }
}
