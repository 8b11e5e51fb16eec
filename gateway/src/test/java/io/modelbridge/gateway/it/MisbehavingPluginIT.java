package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.OpenAiApiIT.assertError;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugins that throw, hang, or look for the gateway's classes: the request fails cleanly, the gateway lives on. */
class MisbehavingPluginIT {
    @TempDir
    static Path dataDir;
    static RunningGateway gateway;
    static ApiCalls api;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        gateway = RunningGateway.start(dataDir);
        api = new ApiCalls(gateway.api());
        Path elsewhere = Files.createDirectories(dataDir.resolve("elsewhere"));
        drop(elsewhere, "thrower", "if (text.equals(\"ok\")) { throw new IllegalStateException(\"bug in the plugin\"); }");
        drop(elsewhere, "sleeper", "try { Thread.sleep(600_000); } catch (InterruptedException e) { "
                + "throw new ProviderException(ProviderFailure.of(ProviderFailure.Kind.TIMEOUT, \"interrupted\")); }");
        drop(elsewhere, "snooper", """
                List<String> seen = new ArrayList<>();
                for (String name : List.of("io.modelbridge.gateway.Gateway", "io.modelbridge.db.Database",
                        "org.jooq.DSLContext", "io.helidon.webserver.WebServer", "com.zaxxer.hikari.HikariDataSource")) {
                    try {
                        Class.forName(name, false, getClass().getClassLoader());
                        seen.add(name);
                    } catch (ClassNotFoundException hidden) {
                        // as it should be
                    }
                }
                text = "visible: " + seen;
                """);
        for (String provider : new String[] {"thrower", "sleeper", "snooper"}) {
            var channel = JSON.createObjectNode().put("name", provider).put("provider", provider)
                    .put("connect_timeout_ms", 200).put("read_timeout_ms", 800);
            channel.putArray("models").add(provider + "-model");
            awaitProvider(provider);
            gateway.admin("POST", "/channels", channel);
        }
        key = gateway.userWithKey("trudy");
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void anExceptionInsideAPluginIsA502ForThatRequestOnly() {
        JsonAssert error = new JsonAssert(assertError(api.post("/v1/chat/completions", key,
                chat("thrower-model", "hi", false)), 502, "provider_plugin_error"));
        error.messageMentions("the gateway log has the details"); // which channel and plugin: in the log only
        assertHealthy();
    }

    @Test
    void aPluginThatHangsIsCutOffWithA504() {
        long start = System.nanoTime();
        assertError(api.post("/v1/chat/completions", key, chat("sleeper-model", "hi", false)), 504, "upstream_timeout");
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "cut off after the channel's timeouts");
        assertHealthy();
    }

    @Test
    void aPluginSeesNeitherTheGatewayNorItsLibraries() {
        HttpResponse<String> res = api.chatOk(key, chat("snooper-model", "look around", false));
        assertEquals("visible: []", json(res.body()).at("/choices/0/message/content").asText());
    }

    private static void assertHealthy() {
        assertEquals(200, api.get("/readyz", null).statusCode());
        api.chatOk(key, chat("snooper-model", "still here", false));
    }

    /** A plugin whose chat runs {@code body} (which may set {@code text}) and answers with {@code text}. */
    private static void drop(Path elsewhere, String provider, String body) {
        Path jar = PluginJars.compile(elsewhere.resolve(provider + ".jar"), provider, "", """
                public ProviderInfo info() {
                    return new ProviderInfo("%s", "%s", "none", "", List.of(), Set.of(Capability.CHAT));
                }
                public ChatResponse chat(ChatRequest request, CallContext ctx) {
                    String text = "ok";
                    %s
                    return new ChatResponse(null, List.of(new ChatResponse.Choice(0, Message.of("assistant", text),
                            FinishReason.STOP)), Usage.of(1, 1));
                }
                public void stream(ChatRequest request, CallContext ctx, Consumer<ChatChunk> out) {
                    throw new ProviderException(ProviderFailure.of(ProviderFailure.Kind.BAD_REQUEST, "no streams"));
                }
                """.formatted(provider, provider, body));
        try {
            Files.move(jar, dataDir.resolve("plugins").resolve(provider + ".jar"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void awaitProvider(String provider) throws InterruptedException {
        PluginListing.await(gateway, PluginListing.has(provider, "STARTED", null), Duration.ofSeconds(5));
    }

    private record JsonAssert(com.fasterxml.jackson.databind.JsonNode error) {
        void messageMentions(String text) {
            assertTrue(error.get("message").asText().contains(text), error.toString());
        }
    }
}
