package io.modelbridge.db;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Target;

/**
 * Regenerates {@code io.modelbridge.db.jooq} from a freshly migrated embedded PostgreSQL, so the generated types
 * are PostgreSQL's own (no H2 replay). Run through {@code scripts/jooq-codegen}; the argument is the source root,
 * {@link #SOURCE_ROOT}, which holds nothing but generated code.
 */
public final class JooqCodegen {
    static final String PACKAGE = "io.modelbridge.db.jooq";
    /** The committed generated code, relative to the db module (a source root of its own, see db/pom.xml). */
    static final Path SOURCE_ROOT = Path.of("src/generated/java");

    private JooqCodegen() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: JooqCodegen <source root, e.g. db/" + SOURCE_ROOT + ">");
        }
        Path dataDir = Files.createTempDirectory("mb-jooq-codegen");
        try (var db = io.modelbridge.db.Database.start(DbSettings.embedded(dataDir));
             Connection connection = db.dataSource().getConnection()) {
            generate(connection, Path.of(args[0]));
        } finally {
            deleteTree(dataDir);
        }
    }

    /** Writes the classes of the migrated schema behind {@code connection} under {@code sourceRoot}. */
    static void generate(Connection connection, Path sourceRoot) throws Exception {
        GenerationTool tool = new GenerationTool();
        tool.setConnection(connection);
        tool.run(configuration(sourceRoot.toAbsolutePath().toString()));
    }

    static Configuration configuration(String sourceRoot) {
        return new Configuration().withGenerator(new Generator()
                .withDatabase(new Database()
                        .withName("org.jooq.meta.postgres.PostgresDatabase")
                        .withInputSchema("public")
                        .withOutputSchemaToDefault(false)
                        .withExcludes("databasechangelog|databasechangeloglock"))
                .withGenerate(new Generate()
                        .withGeneratedAnnotation(false)
                        .withComments(false)
                        .withJavaTimeTypes(true)
                        .withPojos(false)
                        .withDaos(false)
                        .withRecords(true)
                        .withIndexes(true)
                        .withKeys(true)
                        .withSequences(true))
                .withTarget(new Target()
                        .withPackageName(PACKAGE)
                        .withDirectory(sourceRoot)
                        .withClean(true)));
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
