package io.modelbridge.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import liquibase.Scope;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.command.core.helpers.ShowSummaryArgument;
import liquibase.database.jvm.JdbcConnection;
import liquibase.database.DatabaseFactory;
import liquibase.ui.LoggerUIService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema up to date with the Liquibase changelog. The tables (Liquibase's own too) go into {@code schema},
 * created first if missing (which needs CREATE on the database). Instances that start together migrate one after
 * the other under a PostgreSQL advisory lock: Liquibase's own lock table cannot do it, since creating that table
 * (and the schema) is itself the race.
 */
final class Migrator {
    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);
    static final String CHANGELOG = "db/changelog/db.changelog-master.yaml";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    /** The advisory lock key of the migration ("MBMIGR"); held for the session, released when it ends. */
    private static final long MIGRATION_LOCK = 0x4d424d494752L;

    private Migrator() {}

    /** Opens the connection the migration runs on. */
    @FunctionalInterface
    interface ConnectionOpener {
        Connection open() throws SQLException;
    }

    static void migrate(DataSource dataSource, String schema) {
        migrate(dataSource::getConnection, schema);
    }

    static void migrate(ConnectionOpener opener, String schema) {
        try (Connection connection = opener.open()) {
            lock(connection, "pg_advisory_lock");
            try {
                update(connection, schema);
            } finally {
                unlock(connection);
            }
        } catch (Exception e) {
            throw new IllegalStateException("the database migration failed: " + reason(e), e);
        }
    }

    private static void update(Connection connection, String schema) throws Exception {
        createIfMissing(connection, schema);
        releaseStaleChangelogLock(connection, schema);
        // No network calls from a gateway start: Liquibase 4.30+ would otherwise try to send analytics.
        // Its console output goes to the log instead of stdout.
        Map<String, Object> scope = Map.of("liquibase.analytics.enabled", false,
                "liquibase.showBanner", false, Scope.Attr.ui.name(), new LoggerUIService());
        Scope.child(scope, () -> {
            var database = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(connection));
            database.setDefaultSchemaName(schema);
            database.setLiquibaseSchemaName(schema);
            new CommandScope(UpdateCommandStep.COMMAND_NAME)
                    .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                    .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
                    .addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY_OUTPUT, UpdateSummaryOutputEnum.LOG)
                    .execute();
        });
    }

    private static void lock(Connection connection, String function) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("select " + function + "(" + MIGRATION_LOCK + ")");
        }
    }

    /** Explicitly: the connection may go back to a pool, its session (and a session lock) living on. */
    private static void unlock(Connection connection) {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback(); // a failed migration's aborted transaction would refuse the unlock
            }
            lock(connection, "pg_advisory_unlock");
        } catch (SQLException e) {
            // the session is broken: its locks end with it, and the migration's own error is the one to report
        }
    }

    /**
     * The innermost database error (Liquibase and the pool wrap the server's or driver's message in several layers),
     * with a hint for missing rights.
     */
    private static String reason(Exception e) {
        Throwable deepest = e;
        SQLException deepestSql = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            deepest = t;
            if (t instanceof SQLException sql) {
                deepestSql = sql;
            }
        }
        Throwable root = deepestSql != null ? deepestSql : deepest;
        String message = String.valueOf(root.getMessage()).replaceAll("\\s+", " ").strip();
        if (root instanceof SQLException sql && INSUFFICIENT_PRIVILEGE.equals(sql.getSQLState())) {
            message += "; the database user must own the database or the schema the tables go into (MB_DB_SCHEMA),"
                    + " see docs/operations.md, \"Your own PostgreSQL\"";
        }
        return message;
    }

    /**
     * Liquibase's own lock, which a start killed during its migration leaves taken: every later start then waited
     * ("Waiting for changelog lock....") and failed after five minutes. Under the advisory lock no other migration
     * runs, so a taken Liquibase lock is always such a leftover.
     */
    private static void releaseStaleChangelogLock(Connection connection, String schema) throws SQLException {
        String table = schema + ".databasechangeloglock"; // a plain lower-case name (PostgresUrl checks it)
        try (PreparedStatement exists = connection.prepareStatement("select to_regclass(?) is not null")) {
            exists.setString(1, table);
            try (ResultSet r = exists.executeQuery()) {
                if (!r.next() || !r.getBoolean(1)) {
                    return;
                }
            }
        }
        try (Statement s = connection.createStatement()) {
            if (s.executeUpdate("update " + table + " set locked = false, lockgranted = null, lockedby = null "
                    + "where locked") > 0) {
                LOG.warn("Released the schema migration lock that a stopped start left taken");
            }
        }
    }

    /** Only when missing: CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the schema exists. */
    private static void createIfMissing(Connection connection, String schema) throws SQLException {
        try (PreparedStatement q = connection.prepareStatement("select 1 from pg_namespace where nspname = ?")) {
            q.setString(1, schema);
            try (ResultSet r = q.executeQuery()) {
                if (r.next()) {
                    return;
                }
            }
        }
        try (Statement s = connection.createStatement()) {
            s.execute("create schema if not exists " + schema); // a plain lower-case name (PostgresUrl checks it)
        }
    }
}
