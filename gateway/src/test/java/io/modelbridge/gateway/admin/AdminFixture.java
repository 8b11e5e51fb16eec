package io.modelbridge.gateway.admin;

import static io.modelbridge.db.jooq.Tables.PORTAL_SETTINGS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import io.modelbridge.db.Database;
import io.modelbridge.db.DbSettings;
import io.modelbridge.gateway.cluster.ChangeListener.Topic;
import io.modelbridge.gateway.crypto.CredentialCipher;
import io.modelbridge.gateway.error.ErrorWriter;
import io.modelbridge.gateway.plugin.PluginCatalog;
import io.modelbridge.gateway.plugin.PluginView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jooq.DSLContext;
import org.jooq.Table;

/**
 * One admin server per test JVM: a Helidon WebServer on 127.0.0.1 with only the admin routes, over an embedded
 * PostgreSQL in a temp directory, driven through java.net.http.
 */
final class AdminFixture {
    static final String TOKEN = "test-admin-token";
    static final byte[] MASTER_KEY = new byte[32];
    private static AdminFixture instance;

    final Database db;
    final WebServer server;
    final CredentialCipher cipher = new CredentialCipher(MASTER_KEY);
    final List<Topic> changes = new CopyOnWriteArrayList<>();
    final ObjectMapper json = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();

    private AdminFixture() throws IOException {
        db = Database.start(DbSettings.embedded(Files.createTempDirectory("mb-admin-test")));
        AdminApi api = new AdminApi(db, cipher, new FakePlugins(), changes::add, json, new ErrorWriter(json), TOKEN,
                Clock.systemUTC());
        server = WebServer.builder().host("127.0.0.1").port(0).routing(api::register).build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            db.close();
        }, "admin-fixture-stop"));
    }

    static synchronized AdminFixture get() {
        if (instance == null) {
            try {
                instance = new AdminFixture();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** Empties every table (the portal's single settings row is back at its defaults) and forgets the changes. */
    AdminFixture reset() {
        DSLContext dsl = db.dsl();
        for (Table<?> table : io.modelbridge.db.jooq.Public.PUBLIC.getTables()) {
            dsl.truncate(table).restartIdentity().cascade().execute();
        }
        dsl.insertInto(PORTAL_SETTINGS).set(PORTAL_SETTINGS.ID, 1).execute();
        changes.clear();
        return this;
    }

    Reply call(String method, String path, String body) {
        return call(method, path, body, TOKEN);
    }

    Reply call(String method, String path, String body, String token) {
        return call(method, path, body, token, Map.of());
    }

    Reply call(String method, String path, String body, String token, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), json.readTree(response.body()),
                    response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply get(String path) {
        return call("GET", path, null);
    }

    Reply post(String path, String body) {
        return call("POST", path, body);
    }

    Reply post(String path, String body, Map<String, String> headers) {
        return call("POST", path, body, TOKEN, headers);
    }

    Reply put(String path, String body) {
        return call("PUT", path, body);
    }

    Reply patch(String path, String body) {
        return call("PATCH", path, body);
    }

    Reply delete(String path) {
        return call("DELETE", path, null);
    }

    /** A status, the raw body, the parsed body and the headers. */
    record Reply(int status, String text, JsonNode body, java.net.http.HttpHeaders headers) {
        JsonNode error() {
            return body.path("error");
        }
    }

    /** Serves providers "openai" and "glm"; plugin "openai" can be reloaded. */
    static final class FakePlugins implements PluginCatalog {
        static final PluginView OPENAI = new PluginView("openai", "1.0.0", "STARTED", "plugins/openai-plugin.jar",
                List.of("openai"), "sk-...", List.of("gpt-4o"), null);

        @Override
        public List<PluginView> list() {
            return List.of(OPENAI, new PluginView("glm", "0.9.0", "STARTED", "plugins/glm.jar", List.of("glm"), null,
                    List.of(), null));
        }

        @Override
        public Optional<PluginView> reload(String pluginId) {
            return "openai".equals(pluginId) ? Optional.of(OPENAI) : Optional.empty();
        }

        @Override
        public boolean hasProvider(String providerId) {
            return List.of("openai", "glm").contains(providerId);
        }
    }
}
