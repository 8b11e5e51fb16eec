package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.RunningGateway.ADMIN_TOKEN;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.config.GatewayConfig;
import io.modelbridge.testkit.SecretLedger;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway on "your own PostgreSQL" (here: another gateway's embedded server, set up as its superuser the way an
 * operator would), configured only through MB_* variables: as a non-superuser owning its database, as a role owning
 * only a schema of a shared database (MB_DB_SCHEMA), with a libpq URL; every connection names its instance.
 */
@Tag("it")
@Timeout(180)
class OwnPostgresIT {
    private static final String OWNER_PASSWORD = "owner-pw-4d9f%2@";
    private static final String SCHEMA_PASSWORD = "schema-pw-77a1";
    @TempDir
    static Path hostDir;
    @TempDir
    Path dataDir;
    static RunningGateway host;
    static OpenAiSimulator upstream;
    static int port;

    @BeforeAll
    static void createRolesAndDatabases() throws Exception {
        SecretLedger.record(OWNER_PASSWORD);
        SecretLedger.record(SCHEMA_PASSWORD);
        upstream = OpenAiSimulator.start();
        host = RunningGateway.start(hostDir);
        port = URI.create(host.gateway().jdbcUrl().substring("jdbc:".length())).getPort();
        try (Connection c = superuser("postgres"); Statement s = c.createStatement()) {
            // The minimal role of docs/operations.md, "Your own PostgreSQL": a login owning its database ...
            s.execute("create role mb_owner login password '" + OWNER_PASSWORD + "'");
            s.execute("create database mb_owned owner mb_owner");
            s.execute("create database mb_named owner mb_owner");
            // ... or, in a database it does not own, CONNECT and a schema of its own.
            s.execute("create role mb_tenant login password '" + SCHEMA_PASSWORD + "'");
            s.execute("create database mb_shared");
            s.execute("grant connect on database mb_shared to mb_tenant");
        }
        try (Connection c = superuser("mb_shared"); Statement s = c.createStatement()) {
            s.execute("create schema mb authorization mb_tenant");
        }
    }

    @AfterAll
    static void stop() {
        host.close();
        upstream.close();
    }

    private static Connection superuser(String database) throws Exception {
        String password = Files.readString(hostDir.resolve("db-secrets/superuser")).strip();
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres",
                password);
    }

    /** A gateway configured the way the packaged one is, from variables alone. */
    private RunningGateway gateway(Map<String, String> db) {
        Map<String, String> env = new HashMap<>(Map.of("MB_PORT", "0", "MB_ADMIN_PORT", "0",
                "MB_DATA_DIR", dataDir.toString(), "MB_ADMIN_TOKEN", ADMIN_TOKEN, "MB_DB_POOL_SIZE", "3"));
        env.putAll(db);
        return RunningGateway.start(dataDir, c -> {
            GatewayConfig config = GatewayConfig.fromEnvironment(env);
            return config.withControl(config.control().withDistributedLimits(true)); // buckets in the database
        });
    }

    @Test
    void aNonSuperuserOwningItsDatabaseRunsTheGatewayFromALibpqUrl() throws Exception {
        try (RunningGateway gw = gateway(Map.of("MB_DB_URL", "postgresql://mb_owner:"
                + OWNER_PASSWORD.replace("%", "%25").replace("@", "%40") + "@127.0.0.1:" + port
                + "/mb_owned?sslmode=disable"))) {
            servesAChatAndWritesUsage(gw);
            assertEquals(1, count("mb_owned", "select count(*) from pg_tables where schemaname = 'public'"
                    + " and tablename = 'usage_log' and tableowner = 'mb_owner'"));
        }
    }

    @Test
    void onSchemaMbEverythingLivesInMbAndNothingInPublic() throws Exception {
        try (RunningGateway gw = gateway(Map.of("MB_DB_URL", "jdbc:postgresql://127.0.0.1:" + port + "/mb_shared",
                "MB_DB_USER", "mb_tenant", "MB_DB_PASSWORD", SCHEMA_PASSWORD, "MB_DB_SCHEMA", "mb"))) {
            String key = setUp(gw);
            gw.admin("PUT", "/limits", "{\"scope\":\"user\",\"subject\":\"erin\",\"rpm\":1000}");
            long deadline = System.nanoTime() + 5_000_000_000L;
            do { // the limit reaches the rate limiter through the change feed
                chatAs(gw, key);
            } while (count("mb_shared", "select count(*) from mb.rate_limit_buckets") == 0
                    && System.nanoTime() < deadline);
            assertEquals(200, gw.adminCall("GET", "/audit?limit=5", null).statusCode());
            assertEquals(0, count("mb_shared", "select count(*) from pg_class c join pg_namespace n"
                    + " on n.oid = c.relnamespace where n.nspname = 'public'"), "nothing was created in public");
            assertTrue(count("mb_shared", "select count(*) from mb.usage_log") >= 1, "the usage row is in mb");
            assertTrue(count("mb_shared", "select count(*) from mb.rate_limit_buckets") >= 1,
                    "Bucket4j's buckets are in mb");
            assertEquals(1, count("mb_shared", "select count(*) from pg_tables where schemaname = 'mb'"
                    + " and tablename = 'databasechangelog'"), "Liquibase's own tables are in mb");

            // Another instance's change, as it arrives: rows changed, then NOTIFY on the schema's own channel.
            count("mb_shared", "with revoked as (update mb.api_keys set revoked_at = now() returning 1)"
                    + " select count(*) from revoked");
            count("mb_shared", "select count(*) from (select pg_notify('modelbridge_changes_mb', 'KEYS')) n");
            long until = System.nanoTime() + 2_000_000_000L;
            int status;
            do {
                status = new ApiCalls(gw.api()).post("/v1/chat/completions", key, chat("chat", "hi", false))
                        .statusCode();
            } while (status != 401 && System.nanoTime() < until);
            assertEquals(401, status, "the change feed listens on the schema's channel");
        }
    }

    @Test
    void aRoleThatCannotCreateInPublicIsToldSo() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> gateway(Map.of(
                "MB_DB_URL", "jdbc:postgresql://127.0.0.1:" + port + "/mb_shared",
                "MB_DB_USER", "mb_tenant", "MB_DB_PASSWORD", SCHEMA_PASSWORD)).close());
        assertTrue(e.getMessage().contains("permission denied for schema public")
                && e.getMessage().contains("must own the database or the schema"), e.getMessage());
    }

    @Test
    void everyConnectionCarriesTheInstanceIdAsApplicationName() throws Exception {
        try (RunningGateway gw = gateway(Map.of("MB_DB_URL", "jdbc:postgresql://127.0.0.1:" + port + "/mb_named",
                "MB_DB_USER", "mb_owner", "MB_DB_PASSWORD", OWNER_PASSWORD, "MB_INSTANCE_ID", "gw-east-1"))) {
            assertEquals("gw-east-1", gw.gateway().instanceId());
            servesAChatAndWritesUsage(gw);
            String named = "select count(*) from pg_stat_activity where datname = 'mb_named'"
                    + " and application_name = 'gw-east-1'";
            // The pool's connections (at least its 2 idle ones), the LISTEN connection and the health probe's.
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (count("postgres", named) < 4 && System.nanoTime() < deadline) {
                UsageRows.sleep(50);
            }
            assertTrue(count("postgres", named) >= 4, count("postgres", named) + " named connections");
            assertEquals(0, count("postgres", "select count(*) from pg_stat_activity where datname = 'mb_named'"
                    + " and application_name <> 'gw-east-1'"), "every connection of the instance is named");
            assertNotEquals(0, count("postgres", "select count(*) from pg_stat_activity where usename = 'modelbridge'"
                    + " and application_name = '" + host.gateway().instanceId() + "'"), "the generated id names the host");
        }
    }

    private static void servesAChatAndWritesUsage(RunningGateway gw) {
        chatAs(gw, setUp(gw));
    }

    /** A channel to the simulator, alias "chat" on it, and user erin; returns erin's key. */
    private static String setUp(RunningGateway gw) {
        gw.admin("POST", "/channels", JSON.createObjectNode().put("name", "sim").put("provider", "openai")
                .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString()));
        ObjectNode alias = JSON.createObjectNode();
        alias.putArray("targets").addObject().put("channel", "sim").put("model", "gpt-4o").put("priority", 0)
                .put("weight", 1);
        gw.admin("PUT", "/aliases/chat", alias);
        return gw.userWithKey("erin");
    }

    private static void chatAs(RunningGateway gw, String key) {
        HttpResponse<String> res = new ApiCalls(gw.api()).post("/v1/chat/completions", key, chat("chat", "hi", false),
                "x-request-id", "own-pg-chat");
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("own-pg-chat", UsageRows.find(gw, "own-pg-chat").get("client_request_id").asText());
    }

    private static long count(String database, String sql) throws Exception {
        try (Connection c = superuser(database); PreparedStatement q = c.prepareStatement(sql);
             ResultSet r = q.executeQuery()) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
    }
}
