package io.modelbridge.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.jooq.DSLContext;
import org.jooq.Table;

/** One embedded PostgreSQL per test JVM (start is ~2 s), migrated; {@link #reset} empties every table. */
public final class TestDb {
    private static Database shared;

    private TestDb() {}

    public static synchronized Database shared() {
        if (shared == null) {
            try {
                shared = Database.start(DbSettings.embedded(Files.createTempDirectory("mb-test-db")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "mb-test-db-close"));
        }
        return shared;
    }

    /** Truncates every application table and restarts the id sequences. */
    public static void reset(DSLContext dsl) {
        for (Table<?> table : io.modelbridge.db.jooq.Public.PUBLIC.getTables()) {
            dsl.truncate(table).restartIdentity().cascade().execute();
        }
    }
}
