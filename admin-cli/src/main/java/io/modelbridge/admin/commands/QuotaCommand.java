package io.modelbridge.admin.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.admin.Mbctl;
import io.modelbridge.admin.client.AdminClient;
import io.modelbridge.admin.output.Cells;
import io.modelbridge.admin.output.Output;
import io.modelbridge.admin.output.Table;
import java.math.BigDecimal;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code quota grant|show}: a user's credits and their ledger. */
@Command(name = "quota", description = "Grant credits and show a user's balance and ledger.")
public final class QuotaCommand {
    @ParentCommand
    private Mbctl root;

    @Command(name = "grant", description = "Add credits to a user's balance (negative credits take some away).")
    int grant(@Parameters(index = "0", paramLabel = "NAME", completionCandidates = Candidates.Users.class)
              String name,
              @Parameters(index = "1", paramLabel = "CREDITS") BigDecimal credits,
              @Option(names = "--note", paramLabel = "TEXT") String note,
              @Option(names = "--idempotency-key", paramLabel = "KEY", description = "Record the grant once however "
                      + "often it is sent with this key (a payment id, say); a retry answers as the first did.")
              String key) {
        ObjectNode body = AdminClient.JSON.createObjectNode().put("credits", credits);
        if (note != null) {
            body.put("note", note);
        }
        AdminClient.Answer answer = root.client().post(path(name) + "/grant", body,
                key == null ? Map.of() : Map.of("Idempotency-Key", key));
        String done = (credits.signum() >= 0 ? "Granted " : "Took ") + credits.abs().toPlainString() + " credits "
                + (credits.signum() >= 0 ? "to " : "from ") + name;
        root.out().result(answer.body(), done + (answer.replayed() ? " already, under this key" : "")
                + "; balance " + Cells.text(answer.body().path("balance")) + ".");
        return Mbctl.OK;
    }

    @Command(name = "show", description = "Show a user's balance and latest ledger rows.")
    int show(@Parameters(paramLabel = "NAME", completionCandidates = Candidates.Users.class) String name) {
        JsonNode quota = root.client().get(path(name));
        Output out = root.out();
        if (out.isJson()) {
            out.json(quota);
            return Mbctl.OK;
        }
        out.line(name + ": balance " + Cells.text(quota.path("balance")) + " credits"
                + (quota.path("held").isNumber() && quota.path("held").decimalValue().signum() > 0
                ? " (" + Cells.text(quota.path("held")) + " held for requests in flight)" : ""));
        Table table = new Table("WHEN", "KIND", "AMOUNT", "BALANCE", "REQUEST", "NOTE");
        quota.path("ledger").forEach(e -> table.row(Cells.instant(e.path("created_at")), e.path("kind"),
                e.path("amount"), e.path("balance_after"), e.path("request_id"), e.path("note")));
        if (!table.isEmpty()) {
            out.table(table);
        }
        return Mbctl.OK;
    }

    private static String path(String name) {
        return "/users/" + AdminClient.segment(name) + "/quota";
    }
}
