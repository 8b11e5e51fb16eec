package io.modelbridge.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelbridge.db.jooq.Public;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Meta;
import org.jooq.Query;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fails when the changelog changed and {@code scripts/jooq-codegen} was not run, or the generated code was edited:
 * the generated schema must migrate to the Liquibase-migrated live schema with no queries.
 */
class SchemaDriftTest {
    private static DSLContext dsl;
    private static Meta generated;
    private static Meta live;

    @BeforeAll
    static void metas() {
        dsl = TestDb.shared().dsl();
        generated = dsl.meta(Public.PUBLIC);
        live = dsl.meta()
                .filterSchemas(s -> s.getName().equals("public"))
                .filterTables(t -> !t.getName().startsWith("databasechangelog"));
    }

    @Test
    void generatedSchemaMigratesToTheLiveSchemaWithNoQueries() {
        String queries = Stream.of(normalized(generated).migrateTo(normalized(live)).queries())
                .map(Query::toString)
                .filter(q -> !q.matches("(?s)alter table .* alter .* set default .*"))
                .collect(Collectors.joining("\n"));
        assertEquals("", queries, "the generated jOOQ code differs from the Liquibase schema: run ./scripts/jooq-codegen");
    }

    /**
     * {@code migrateTo} compares defaults as objects, which never match between generated (PostgreSQL's own text,
     * kept raw) and JDBC metadata (parsed); compare the generated text with the catalog's instead.
     */
    @Test
    void generatedDefaultsMatchTheLiveSchema() {
        assertEquals(catalogDefaults(), generatedDefaults(),
                "column defaults differ from the Liquibase schema: run ./scripts/jooq-codegen");
    }

    /**
     * Generated and JDBC metadata shape keys and constraints differently, so a direct diff reports phantom changes;
     * rendering each as DDL and interpreting it again gives both the same shape.
     */
    private static Meta normalized(Meta meta) {
        return dsl.meta(meta.ddl().queries());
    }

    private static Map<String, String> catalogDefaults() {
        Table<?> columns = DSL.table(DSL.name("information_schema", "columns"));
        Field<String> table = DSL.field(DSL.name("table_name"), String.class);
        Field<String> column = DSL.field(DSL.name("column_name"), String.class);
        Field<String> value = DSL.field(DSL.name("column_default"), String.class);
        Map<String, String> defaults = new TreeMap<>();
        dsl.select(table, column, value).from(columns)
                .where(DSL.field(DSL.name("table_schema"), String.class).eq("public"))
                .and(table.notLike("databasechangelog%"))
                .and(value.isNotNull())
                .and(value.notLike("nextval(%")) // identity: compared by migrateTo
                .forEach(r -> defaults.put(r.value1() + "." + r.value2(), r.value3()));
        return defaults;
    }

    private static Map<String, String> generatedDefaults() {
        Map<String, String> defaults = new TreeMap<>();
        generated.getTables().forEach(table -> {
            for (Field<?> field : table.fields()) {
                if (field.getDataType().defaulted()) {
                    defaults.put(table.getName() + "." + field.getName(), dsl.render(field.getDataType().defaultValue()));
                }
            }
        });
        return defaults;
    }
}
