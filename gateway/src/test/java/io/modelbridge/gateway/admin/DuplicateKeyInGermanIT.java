package io.modelbridge.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.WebServer;
import io.modelbridge.db.Database;
import io.modelbridge.db.DbSettings;
import io.modelbridge.gateway.admin.AdminFixture.Reply;
import io.modelbridge.gateway.crypto.CredentialCipher;
import io.modelbridge.gateway.error.ErrorWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A duplicate is a 409 naming the field whatever language the database speaks: the admin API over a PostgreSQL
 * whose lc_messages is German ("doppelter Schlüsselwert verletzt Unique-Constraint »users_name_key«").
 */
@Tag("it")
@Timeout(180)
class DuplicateKeyInGermanIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static GermanPostgres postgres;
    static Database db;
    static WebServer server;

    @BeforeAll
    static void start() {
        postgres = GermanPostgres.start();
        db = Database.start(new DbSettings(postgres.jdbcUrl(), "postgres", null, null, 2, null));
        AdminApi api = new AdminApi(db, new CredentialCipher(AdminFixture.MASTER_KEY), new AdminFixture.FakePlugins(),
                topic -> { }, JSON, new ErrorWriter(JSON), AdminFixture.TOKEN, Clock.systemUTC());
        server = WebServer.builder().host("127.0.0.1").port(0).routing(api::register).build().start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
        if (db != null) {
            db.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theServerReallySpeaksGerman() {
        SQLException e = assertThrows(SQLException.class, () -> {
            try (var c = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", null);
                 var s = c.createStatement()) {
                s.execute("select 1/0");
            }
        });
        assertTrue(e.getMessage().contains("Division durch Null"), e.getMessage());
    }

    @Test
    void aDuplicateUserIs409NamingTheNameAndTheValue() {
        assertEquals(201, post("/admin/v1/users", "{\"name\":\"alice\"}").status());
        Reply duplicate = post("/admin/v1/users", "{\"name\":\"alice\"}");
        assertEquals(409, duplicate.status(), duplicate.text());
        assertEquals("conflict", duplicate.error().path("code").asText());
        assertEquals("name", duplicate.error().path("param").asText(), duplicate.text());
        assertEquals("An object with name 'alice' already exists.", duplicate.error().path("message").asText());
    }

    @Test
    void aDuplicateChannelIs409NamingTheName() {
        String channel = "{\"name\":\"main\",\"provider\":\"openai\",\"credential\":\"sk-test-1234567890\"}";
        assertEquals(201, post("/admin/v1/channels", channel).status());
        Reply duplicate = post("/admin/v1/channels", channel);
        assertEquals(409, duplicate.status(), duplicate.text());
        assertEquals("name", duplicate.error().path("param").asText(), duplicate.text());
        assertEquals("An object with name 'main' already exists.", duplicate.error().path("message").asText());
    }

    private static Reply post(String path, String body) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + path))
                    .header("Authorization", "Bearer " + AdminFixture.TOKEN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), JSON.readTree(r.body()), r.headers());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
