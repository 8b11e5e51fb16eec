package io.modelbridge.admin.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** How values look in a table: "-" for nothing, yes/no, lists joined with commas, instants to the minute. */
public final class Cells {
    public static final String NONE = "-";

    private Cells() {}

    /** The value as one line of terminal-safe text (see {@link Printable}). */
    public static String text(Object value) {
        return Printable.line(switch (value) {
            case null -> NONE;
            case JsonNode node -> json(node);
            case Boolean b -> b ? "yes" : "no";
            default -> value.toString();
        });
    }

    private static String json(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return NONE;
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? "yes" : "no";
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(item.asText()));
            return items.isEmpty() ? NONE : String.join(",", items);
        }
        if (node.isNumber()) {
            return node.decimalValue().stripTrailingZeros().toPlainString();
        }
        return node.asText().isEmpty() ? NONE : node.asText();
    }

    /** {@code 2026-11-25T08:00:12.345Z} as {@code 2026-11-25 08:00Z}. */
    public static String instant(JsonNode node) {
        if (!node.isTextual() || node.asText().length() < 16) {
            return NONE;
        }
        return Printable.line(node.asText().substring(0, 10) + " " + node.asText().substring(11, 16) + "Z");
    }
}
