package io.modelbridge.db;

import java.nio.file.Path;

/**
 * Where the data lives. A null or blank {@code jdbcUrl} starts the embedded PostgreSQL under {@code dataDir/pg}
 * (user and password are then ignored); otherwise {@code dataDir} is unused. The tables live in the schema the
 * URL's {@code currentSchema} names, else in {@code public}.
 *
 * @param applicationName what every connection reports as application_name (pg_stat_activity), or null
 */
public record DbSettings(String jdbcUrl, String user, String password, Path dataDir, int maxPoolSize,
                         String applicationName) {

    public DbSettings {
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be at least 1, got " + maxPoolSize);
        }
        // The parameter, not embedded(): the fields are not assigned yet in a compact constructor.
        if ((jdbcUrl == null || jdbcUrl.isBlank()) && dataDir == null) {
            throw new IllegalArgumentException("the embedded database needs a data directory");
        }
    }

    /** The embedded PostgreSQL under {@code dataDir/pg}, with a small pool. */
    public static DbSettings embedded(Path dataDir) {
        return new DbSettings(null, null, null, dataDir, 8, null);
    }

    public boolean embedded() {
        return jdbcUrl == null || jdbcUrl.isBlank();
    }

    /** The schema of the gateway's tables. */
    public String schema() {
        return embedded() ? PostgresUrl.DEFAULT_SCHEMA : PostgresUrl.schemaOf(jdbcUrl);
    }

    @Override
    public String toString() { // never the password
        return "DbSettings[" + (embedded() ? "embedded under " + dataDir : PostgresUrl.redact(jdbcUrl))
                + ", maxPoolSize=" + maxPoolSize + "]";
    }
}
