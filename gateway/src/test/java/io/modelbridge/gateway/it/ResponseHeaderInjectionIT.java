package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No text a client, an admin API caller, the database or a plugin supplies can add a header to an answer of the
 * public listener, which writes its headers unvalidated (docs/security.md, "Response headers"). Each hostile value
 * carries a CR LF followed by {@code Set-Cookie}, a bare LF, or other control characters; the raw bytes of every
 * answer's head are read from the socket. Routing headers are on (MB_EXPOSE_ROUTING), so the channel, upstream model
 * and plugin names reach the headers. Before the fix (validation off, no guard) a CR LF in a channel name or an
 * upstream model went out raw: {@code x-modelbridge-channel: dead}, then a header line {@code Set-Cookie: x=1}.
 */
class ResponseHeaderInjectionIT {
    static final String CR_LF_MODEL = "legacy\r\nSet-Cookie: x=1";
    static final String BARE_LF_MODEL = "legacy\nSet-Cookie: y=2";
    static final String CONTROLS_MODEL = "legacy\u001b[2J\u007f\u00e9";
    static final String CR_LF_CHANNEL = "dead\r\nSet-Cookie: x=1";
    /** A manifest line cannot hold CR or LF, but a NUL, an ESC and a DEL it can. */
    static final String PLUGIN_VERSION = "1.0.1-x\u0000\u001b[2J\u007f";
    @TempDir
    static Path dataDir;
    static OpenAiSimulator upstream;
    static HostileUpstream hostile;
    static RunningGateway gateway;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        upstream = OpenAiSimulator.start(OpenAiSimulator.DEFAULT_KEY,
                List.of("gpt-4o", CR_LF_MODEL, BARE_LF_MODEL, CONTROLS_MODEL));
        gateway = RunningGateway.start(dataDir, RunningGateway::exposingRouting);
        channel("hdr-sim", upstream.baseUri().toString(), "gpt-4o");
        channel("hdr-legacy", upstream.baseUri().toString(), "legacy-model");
        channel("hdr-dead", "http://127.0.0.1:9", "dead-model"); // nothing listens
        hostile = HostileUpstream.start();
        channel("hdr-hostile", hostile.baseUri().toString(), "hostile-model");
        key = gateway.userWithKey("hdr");
        // the bundled openai plugin, upgraded in place to a version whose name no header may carry
        PluginJars.openAiVersion(PLUGIN_VERSION, dataDir.resolve("plugins").resolve("modelbridge-plugin-openai.jar"));
        PluginListing.await(gateway, PluginListing.has("openai", "STARTED", PLUGIN_VERSION), Duration.ofSeconds(30));
        // Rows written around the admin API (an older version, a hand-edited database): the routing headers must
        // still be safe, whatever the rows hold.
        sql("update channels set models = ? where name = 'hdr-legacy'", CR_LF_MODEL, BARE_LF_MODEL, CONTROLS_MODEL);
        sql("update channels set name = ? where name = 'hdr-dead'", CR_LF_CHANNEL);
        sql("select pg_notify('modelbridge_changes', 'ROUTES')");
        awaitRoute(CR_LF_MODEL);
        awaitRoute("dead-model");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
        hostile.close();
    }

    @Test
    void aClientRequestIdWithCrLfBareLfOrNulIsNeverEchoedRaw() {
        for (String id : List.of("abc\nSet-Cookie: x=1", "abc\u0000def", "abc\rSet-Cookie: x=1", "abc\u001bdef")) {
            RawHttp.Reply reply = ApiEdgeIT.raw(gateway.api(), "GET /v1/models", "Authorization: Bearer " + key,
                    "x-request-id: " + id);
            assertSafe(reply);
            assertTrue(reply.status() == 200 || reply.status() == 400, reply.toString());
            if (reply.status() == 400) {
                assertTrue(json(reply.body()).at("/error/message").isTextual(), reply.body());
            } else {
                assertTrue(reply.headers().get("x-request-id").startsWith("req_"), "an unsafe id is not echoed");
            }
        }
    }

    @Test
    void theAdminApiRefusesAChannelModelThatCouldNotBeAHeader() {
        for (String model : List.of("gpt\r\nSet-Cookie: x=1", "gpt\nx", "gpt\u001b[2J", "gpt 4o")) {
            ObjectNode channel = JSON.createObjectNode().put("name", "hdr-refused").put("provider", "openai")
                    .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
            channel.putArray("models").add("gpt-4o").add(model);
            HttpResponse<String> created = gateway.adminCall("POST", "/channels", channel);
            assertEquals(400, created.statusCode(), model + ": " + created.body());
            assertEquals("models[1]", json(created.body()).at("/error/param").asText(), created.body());

            ObjectNode patch = JSON.createObjectNode();
            patch.putArray("models").add(model);
            HttpResponse<String> patched = gateway.adminCall("PATCH", "/channels/hdr-sim", patch);
            assertEquals(400, patched.statusCode(), model + ": " + patched.body());
        }
    }

    @Test
    void anUpstreamModelWithCrLfBareLfOrControlsGoesOutPercentEncoded() {
        for (boolean stream : List.of(false, true)) {
            for (String model : List.of(CR_LF_MODEL, BARE_LF_MODEL, CONTROLS_MODEL)) {
                RawHttp.Reply reply = RawHttp.post(gateway.api(), "/v1/chat/completions", key,
                        chat(model, "hi", stream).getBytes(StandardCharsets.UTF_8), "Accept: text/event-stream");
                assertSafe(reply);
                assertEquals(200, reply.status(), reply.toString());
                assertEquals("hdr-legacy", reply.headers().get("x-modelbridge-channel"));
                assertEquals("openai@1.0.1-x%00%1B[2J%7F", reply.headers().get("x-modelbridge-plugin"));
                String shown = reply.headers().get("x-modelbridge-upstream-model");
                assertEquals(model.equals(CR_LF_MODEL) ? "legacy%0D%0ASet-Cookie: x=1"
                        : model.equals(BARE_LF_MODEL) ? "legacy%0ASet-Cookie: y=2" : "legacy%1B[2J%7F%C3%A9", shown);
            }
        }
    }

    @Test
    void aChannelNameWithCrLfGoesOutPercentEncodedOnTheErrorOfEveryDialect() {
        String chatBody = chat("dead-model", "hi", false);
        String anthropic = "{\"model\":\"dead-model\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}";
        String responses = "{\"model\":\"dead-model\",\"input\":\"hi\",\"store\":false}";
        for (String[] call : List.of(new String[] {"/v1/chat/completions", chatBody},
                new String[] {"/v1/messages", anthropic}, new String[] {"/v1/responses", responses})) {
            RawHttp.Reply reply = RawHttp.post(gateway.api(), call[0], key, call[1].getBytes(StandardCharsets.UTF_8),
                    "x-api-key: " + key, "anthropic-version: 2023-06-01");
            assertSafe(reply);
            assertTrue(reply.status() == 502 || reply.status() == 529, call[0] + ": " + reply);
            assertEquals("dead%0D%0ASet-Cookie: x=1", reply.headers().get("x-modelbridge-channel"), call[0]);
            assertTrue(json(reply.body()).path("error").has("message"), reply.body());
        }
    }

    @Test
    void anUpstreamsRetryAfterReachesTheClientOnlyAsWholeSeconds() {
        String body = "{\"error\":{\"message\":\"slow down\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}";
        for (String retryAfter : List.of("Retry-After: 3, Set-Cookie: x=1", "Retry-After: 99999999999999999999999",
                "retry-after-ms: 12\u0001", "Retry-After: -5", "Retry-After: Wed, 21 Oct 2015 07:28:00 GMT",
                "Retry-After: 4\u00e9")) {
            hostile.answer(out -> {
                out.write(("HTTP/1.1 429 Too Many\r\nContent-Type: application/json\r\n" + retryAfter
                        + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            });
            RawHttp.Reply reply = RawHttp.post(gateway.api(), "/v1/chat/completions", key,
                    chat("hostile-model", "hi", false).getBytes(StandardCharsets.UTF_8));
            assertSafe(reply);
            // 429 relayed; 502 for a head the upstream client refuses; 503 once the channel's breaker opens
            assertTrue(List.of(429, 502, 503).contains(reply.status()), retryAfter + ": " + reply);
            String shown = reply.headers().get("retry-after");
            assertTrue(reply.status() == 502 || shown.matches("[0-9]{1,19}"), retryAfter + ": " + shown);
            assertTrue(json(reply.body()).path("error").has("message"), reply.body());
        }
    }

    /** No injected header, and every byte of the head is one a header line may hold. */
    private static void assertSafe(RawHttp.Reply reply) {
        assertNotEquals(-1, reply.status(), reply.toString());
        assertFalse(reply.headers().containsKey("set-cookie"), reply.head());
        for (String line : reply.head().split("\r\n", -1)) {
            assertFalse(line.toLowerCase(Locale.ROOT).startsWith("set-cookie"), reply.head());
            for (char c : line.toCharArray()) {
                assertTrue(c >= 0x20 && c < 0x7f, "byte " + (int) c + " in the head line '" + line + "'");
            }
        }
    }

    private static void channel(String name, String baseUrl, String model) {
        ObjectNode channel = JSON.createObjectNode().put("name", name).put("provider", "openai")
                .put("credential", upstream.apiKey()).put("base_url", baseUrl);
        channel.putArray("models").add(model);
        gateway.admin("POST", "/channels", channel);
    }

    /** Runs one statement on the gateway's database; several values are one text array. */
    private static void sql(String statement, String... values) throws SQLException {
        DbLogin db = new DbLogin(gateway);
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             PreparedStatement s = c.prepareStatement(statement)) {
            if (values.length > 1) {
                s.setArray(1, c.createArrayOf("text", values));
            } else if (values.length == 1) {
                s.setString(1, values[0]);
            }
            s.execute();
        }
    }

    private record DbLogin(String url, String user, String password) {
        DbLogin(RunningGateway running) {
            this(running.gateway().jdbcUrl(), running.gateway().dbUser(), running.gateway().dbPassword());
        }
    }

    /** Waits (bounded) until the route table serves {@code model}, as the change feed reloads it. */
    private static void awaitRoute(String model) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        URI api = gateway.api();
        while (System.nanoTime() < end) {
            RawHttp.Reply reply = RawHttp.post(api, "/v1/chat/completions", key,
                    chat(model, "hi", false).getBytes(StandardCharsets.UTF_8));
            if (reply.status() != 404) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the route table never served " + model);
    }
}
