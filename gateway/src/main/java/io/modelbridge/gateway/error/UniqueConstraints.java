package io.modelbridge.gateway.error;

import io.modelbridge.db.jooq.Public;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Field;
import org.jooq.Table;
import org.postgresql.util.ServerErrorMessage;

/**
 * A unique violation explained from what PostgreSQL reports in fields of its own, never from its message text
 * (which follows the server's lc_messages): the constraint's name, looked up in the schema jOOQ generated, gives
 * the columns; the detail gives the value where the server shows it.
 */
final class UniqueConstraints {
    /** Constraint (or unique index) name to its columns, from the generated schema. */
    private static final Map<String, List<String>> COLUMNS = columns();

    private UniqueConstraints() {}

    /** What a duplicate is: its columns (empty when the constraint is not ours) and its value, if shown. */
    record Duplicate(List<String> columns, Optional<String> value) {}

    static Duplicate of(ServerErrorMessage server) {
        List<String> columns = Optional.ofNullable(server.getConstraint()).map(COLUMNS::get).orElse(List.of());
        return new Duplicate(columns, value(server.getDetail(), columns));
    }

    /**
     * The key's value in the detail. Every translation of "Key (name)=(alice) already exists." keeps the part
     * PostgreSQL builds itself, {@code (columns)=(values)}, as is; it ends at the detail's last parenthesis. The
     * server leaves the value out when the role may not read the columns.
     */
    private static Optional<String> value(String detail, List<String> columns) {
        if (detail == null || columns.isEmpty()) {
            return Optional.empty();
        }
        String start = "(" + String.join(", ", columns) + ")=(";
        int from = detail.indexOf(start);
        int end = detail.lastIndexOf(')');
        return from < 0 || end < from + start.length() ? Optional.empty()
                : Optional.of(detail.substring(from + start.length(), end));
    }

    private static Map<String, List<String>> columns() {
        Map<String, List<String>> byName = new HashMap<>();
        for (Table<?> table : Public.PUBLIC.getTables()) {
            table.getKeys().forEach(key -> byName.put(key.getName(), names(key.getFields())));
            table.getIndexes().stream().filter(index -> index.getUnique()).forEach(index -> byName.put(
                    index.getName(), index.getFields().stream().map(f -> f.getName()).toList()));
        }
        return Map.copyOf(byName);
    }

    private static List<String> names(List<? extends Field<?>> fields) {
        return fields.stream().map(Field::getName).toList();
    }
}
