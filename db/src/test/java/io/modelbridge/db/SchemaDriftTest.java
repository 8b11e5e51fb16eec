package io.modelbridge.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelbridge.db.jooq.Public;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Fails when the changelog changed and {@code scripts/jooq-codegen} was not run, or the generated code was edited:
 * the generated schema must migrate to the Liquibase-migrated live schema with no queries, and the committed
 * source root ({@link JooqCodegen#SOURCE_ROOT}) must be, file for file, what the generator writes today.
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

    /** Also catches edits that do not change the schema (a hand-added method, a renamed constant, a stray file). */
    @Test
    void committedSourceRootIsExactlyWhatTheGeneratorWrites(@TempDir Path fresh) throws Exception {
        try (Connection connection = TestDb.shared().dataSource().getConnection()) {
            JooqCodegen.generate(connection, fresh);
        }
        Map<String, String> expected = sources(fresh);
        Map<String, String> committed = sources(JooqCodegen.SOURCE_ROOT);
        List<String> differing = Stream.concat(expected.keySet().stream(), committed.keySet().stream())
                .distinct()
                .filter(file -> !Objects.equals(expected.get(file), committed.get(file)))
                .sorted()
                .toList();
        assertEquals(List.of(), differing, "files in db/" + JooqCodegen.SOURCE_ROOT + " that differ from what the"
                + " generator writes: run ./scripts/jooq-codegen, and keep hand-written code out of that source root");
    }

    /** Relative path to content, for every file under {@code root} (none when it does not exist). */
    private static Map<String, String> sources(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            return files;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path file : paths.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString().replace('\\', '/'), Files.readString(file));
            }
        }
        return files;
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
