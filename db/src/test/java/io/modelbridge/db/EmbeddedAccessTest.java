package io.modelbridge.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local user who can reach 127.0.0.1 cannot use the embedded PostgreSQL: every login needs a password, the
 * superuser's is not the gateway's, and the gateway's role cannot run programs or read server files. An earlier
 * data directory (trust, no passwords) is upgraded in place and keeps its data.
 */
class EmbeddedAccessTest {

    @Test
    void onlyTheGatewayWithItsPasswordGetsIn(@TempDir Path dir) throws Exception {
        try (Database db = Database.start(DbSettings.embedded(dir))) {
            String url = db.jdbcUrl();
            assertRefused(() -> DriverManager.getConnection(url, "postgres", ""));
            assertRefused(() -> DriverManager.getConnection(url + "?user=postgres"));
            assertRefused(() -> DriverManager.getConnection(url, "postgres", db.password()));
            assertRefused(() -> DriverManager.getConnection(url, db.user(), ""));
            assertRefused(() -> DriverManager.getConnection(url, db.user(), "guess"));
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir.resolve("db-secrets/superuser"))));
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir.resolve("db-secrets/gateway"))));
            try (Connection c = db.openDedicatedConnection(); Statement s = c.createStatement()) {
                SQLException copy = assertThrows(SQLException.class,
                        () -> s.execute("COPY (SELECT 1) TO PROGRAM 'id'"));
                assertEquals("42501", copy.getSQLState(), copy.getMessage()); // insufficient_privilege
                assertThrows(SQLException.class, () -> s.executeQuery("SELECT pg_read_file('postmaster.pid')"));
                assertEquals("off", show(s, "is_superuser"));
                // The schema belongs to the gateway's role, so it needs no superuser to migrate.
                assertEquals(db.user(), query(s, "SELECT tableowner FROM pg_tables WHERE tablename = 'usage_log'"));
            }
        }
    }

    @Test
    void durableSettings(@TempDir Path dir) throws Exception {
        try (Database db = Database.start(DbSettings.embedded(dir));
             Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            assertEquals("on", show(s, "fsync"));
            assertEquals("on", show(s, "full_page_writes"));
            assertEquals("on", show(s, "synchronous_commit"));
        }
    }

    @Test
    void timeoutsOnEveryConnection(@TempDir Path dir) throws Exception {
        try (Database db = Database.start(DbSettings.embedded(dir))) {
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                assertEquals("30s", show(s, "statement_timeout"));
                assertEquals("1min", show(s, "idle_in_transaction_session_timeout"));
                SQLException cancelled = assertThrows(SQLException.class, () -> {
                    s.execute("SET statement_timeout = 200");
                    s.execute("SELECT pg_sleep(5)");
                });
                assertEquals("57014", cancelled.getSQLState()); // query_canceled
                s.execute("RESET statement_timeout");
            }
            try (Connection c = db.openDedicatedConnection(); Statement s = c.createStatement()) {
                assertEquals("30s", show(s, "statement_timeout"));
                assertEquals(45_000, c.getNetworkTimeout(), "pgJDBC socketTimeout");
            }
        }
    }

    @Test
    void aDataDirectoryOfAnEarlierVersionIsUpgradedInPlace(@TempDir Path dir) throws Exception {
        Path pg = dir.resolve("pg");
        // What earlier versions did: zonky's defaults (trust for everyone, no passwords), tables owned by postgres.
        try (EmbeddedPostgres legacy = EmbeddedPostgres.builder().setDataDirectory(pg).setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1").start();
             Connection c = legacy.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE old_data (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)");
            s.execute("INSERT INTO old_data (v) VALUES ('kept')");
        }
        try (Database db = Database.start(DbSettings.embedded(dir))) {
            assertRefused(() -> DriverManager.getConnection(db.jdbcUrl(), "postgres", ""));
            assertTrue(Files.readString(pg.resolve("pg_hba.conf")).contains("scram-sha-256"));
            try (Connection c = db.openDedicatedConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO old_data (v) VALUES ('new')");
                assertEquals("kept", query(s, "SELECT v FROM old_data ORDER BY id LIMIT 1"));
            }
            Properties superuser = new Properties();
            superuser.setProperty("user", "postgres");
            superuser.setProperty("password", Files.readString(dir.resolve("db-secrets/superuser")).strip());
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), superuser)) {
                assertTrue(c.isValid(1), "the superuser logs in with its own secret only");
            }
        }
    }

    private interface Connect {
        Connection open() throws SQLException;
    }

    private static void assertRefused(Connect connect) {
        SQLException refused = assertThrows(SQLException.class, () -> connect.open().close());
        // 28P01: wrong password; 08004: the server asked for a password the client does not have (none, or empty)
        assertTrue(refused.getSQLState().startsWith("28") || refused.getSQLState().equals("08004"),
                refused.getSQLState() + " " + refused.getMessage());
    }

    private static String show(Statement s, String setting) throws SQLException {
        return query(s, "SHOW " + setting);
    }

    private static String query(Statement s, String sql) throws SQLException {
        try (var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
