package io.modelbridge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.testing.junit5.DirectClient;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.ErrorWriter;
import io.modelbridge.gateway.pipeline.AnswerStartedException;
import io.modelbridge.gateway.pipeline.ServingTarget;
import io.modelbridge.gateway.routing.ChannelRoute;
import io.modelbridge.gateway.routing.Target;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderInfo;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Usage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay on Helidon's in-memory routing (no socket): it commits only with the first event, sets the headers of
 * the target it was handed, writes the dialect's events as the dialect frames them, and marks a failure after the
 * first event final.
 */
@RoutingTest
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a relay that hangs fails, not the build
class SseRelayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ErrorWriter ERRORS = new ErrorWriter(JSON);
    private static final ServingTarget SERVING = serving();
    private static final List<ChatChunk> HELLO = List.of(new ChatChunk.TextDelta(0, "Hel"),
            new ChatChunk.TextDelta(0, "lo"), new ChatChunk.Finish(0, FinishReason.STOP),
            new ChatChunk.UsageReport(Usage.of(3, 2)));
    private final DirectClient client;

    SseRelayTest(DirectClient client) {
        this.client = client;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        routing.get("/openai", (req, res) -> relayAll(res, openAi(), HELLO, null))
                .get("/tagged", (req, res) -> relayAll(res, new TaggedEncoder(), HELLO, null))
                .get("/empty", (req, res) -> relayAll(res, new TaggedEncoder(), List.of(), null))
                .get("/fails-before", (req, res) -> relayAll(res, openAi(), List.of(), failure()))
                .get("/fails-after", (req, res) -> relayAll(res, openAi(), HELLO.subList(0, 1), failure()));
    }

    @Test
    void theEventsAreOpenAisChunksFlushedOneByOneThenDone() {
        try (Http1ClientResponse res = client.get("/openai").request()) {
            assertEquals(Status.OK_200, res.status());
            assertEquals("text/event-stream; charset=utf-8", res.headers().first(HeaderNames.CONTENT_TYPE).orElseThrow());
            assertEquals("ch-a", res.headers().first(HeaderNames.create("x-modelbridge-channel")).orElseThrow(),
                    "the headers of the target the relay was handed");
            assertEquals("up-model", res.headers().first(HeaderNames.create("x-modelbridge-upstream-model")).orElseThrow());
            String body = res.as(String.class);
            List<String> events = List.of(body.split("\n\n"));
            assertEquals(5, events.size(), body); // role, "Hel", "lo", finish, [DONE]; the usage report is not an event
            assertTrue(events.get(0).contains("\"role\":\"assistant\""), events.get(0));
            assertTrue(events.get(1).contains("\"content\":\"Hel\""), events.get(1));
            assertTrue(events.get(3).contains("\"finish_reason\":\"stop\""), events.get(3));
            assertEquals("data: [DONE]", events.get(4));
        }
    }

    @Test
    void theDialectFramesItsOwnEvents() {
        try (Http1ClientResponse res = client.get("/tagged").request()) {
            assertEquals("event: delta\ndata: Hel\n\nevent: delta\ndata: lo\n\nevent: end\ndata: 3+2\n\n",
                    res.as(String.class));
        }
    }

    /**
     * What must happen before the client can see the stream's end (the request's settlement) runs before the first
     * closing event: of a stream that sent nothing else, before the headers, so the hook can still set one. The
     * closing events make the stream answered (billed) by then.
     */
    @Test
    void theHookBeforeTheEndRunsBeforeTheFirstClosingEventGoesOut() {
        try (Http1ClientResponse res = client.get("/empty").request()) {
            assertEquals(Status.OK_200, res.status());
            assertEquals("answered=true", res.headers().first(HeaderNames.create("x-test-before-end")).orElse(null));
            assertEquals("event: end\ndata: 3+2\n\n", res.as(String.class));
        }
    }

    @Test
    void aFailureBeforeTheFirstEventLeavesTheResponseUncommittedForARealHttpError() {
        try (Http1ClientResponse res = client.get("/fails-before").request()) {
            assertEquals(502, res.status().code());
            assertEquals("application/json", res.headers().first(HeaderNames.CONTENT_TYPE).orElseThrow());
            assertEquals("relay threw ProviderException, committed=false", res.headers()
                    .first(HeaderNames.create("x-test-relay")).orElseThrow());
        }
    }

    @Test
    void aFailureAfterTheFirstEventIsMarkedFinalAndEndsTheStreamWithTheDialectsErrorEvent() {
        try (Http1ClientResponse res = client.get("/fails-after").request()) {
            assertEquals(Status.OK_200, res.status());
            String body = res.as(String.class);
            assertTrue(body.endsWith("data: {\"error\":{\"message\":\"gone (test)\",\"type\":\"server_error\","
                    + "\"param\":null,\"code\":\"upstream_unavailable\"}}\n\n"), body);
            assertFalse(body.contains("[DONE]"), body);
            assertTrue(body.contains("\"content\":\"Hel\""), body);
        }
    }

    /**
     * Relays {@code chunks}, then fails with {@code failure} if one is given. A failure the relay left unmarked
     * (nothing sent yet) is answered 502 with a header saying so; a marked one ends the stream with an error event.
     */
    private static void relayAll(ServerResponse res, StreamEncoder encoder, List<ChatChunk> chunks,
                                 ProviderException failure) {
        SseRelay relay = new SseRelay(res, encoder, new StreamTally(System.nanoTime()), TargetHeaders.EXPOSED);
        try {
            relay.relay(SERVING, new Streaming(chunks, failure), request(), context());
            relay.finish(Usage.of(3, 2), () -> {
                if (!relay.committed()) { // headers can be added until then only
                    res.header("x-test-before-end", "answered=" + relay.answered());
                }
            });
        } catch (AnswerStartedException e) {
            relay.fail(new ApiError(502, "server_error", "upstream_unavailable", null, "gone (test)"));
        } catch (ProviderException e) {
            res.header("x-test-relay", "relay threw ProviderException, committed=" + relay.committed());
            res.status(502).header(HeaderNames.CONTENT_TYPE, "application/json").send("{}");
        }
    }

    private static StreamEncoder openAi() {
        return new OpenAiStreamEncoder(new ResponseEncoder(JSON, "chatcmpl-test", 1, "alias", false, ResponseProfile.FULL), ERRORS, false);
    }

    private static ProviderException failure() {
        return new ProviderException(ProviderFailure.of(ProviderFailure.Kind.UNAVAILABLE, "gone (test)"));
    }

    private static ChatRequest request() {
        return new ChatRequest("up-model", List.of(Message.of("user", "hi")), true, false, null, List.of(), null,
                null, Map.of());
    }

    private static CallContext context() {
        return new CallContext(SERVING.target().channel().settings(), null, Instant.now().plusSeconds(10),
                Clock.systemUTC());
    }

    private static ServingTarget serving() {
        ProviderSettings settings = new ProviderSettings("ch-a", "", "secret", Duration.ofSeconds(1),
                Duration.ofSeconds(1), Map.of());
        return new ServingTarget(new Target(new ChannelRoute(1, "ch-a", "fake", settings), "up-model", 0, 1),
                "fake@1.0");
    }

    /** Another dialect's framing: an {@code event:} line before each data line. */
    private static final class TaggedEncoder implements StreamEncoder {
        @Override
        public void chunk(ChatChunk chunk, Consumer<byte[]> out) {
            if (chunk instanceof ChatChunk.TextDelta t) {
                out.accept(frame("delta", t.text()));
            }
        }

        @Override
        public void end(Usage usage, Consumer<byte[]> out) {
            out.accept(frame("end", usage.promptTokens() + "+" + usage.completionTokens()));
        }

        @Override
        public void fail(ApiError error, Consumer<byte[]> out) {
            out.accept(frame("error", error.message()));
        }

        private static byte[] frame(String event, String data) {
            return ("event: " + event + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** An adapter whose stream sends {@code chunks}, then throws {@code failure} if there is one. */
    private record Streaming(List<ChatChunk> chunks, ProviderException failure) implements ProviderAdapter {
        @Override
        public ProviderInfo info() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ChatResponse chat(ChatRequest request, CallContext ctx) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void stream(ChatRequest request, CallContext ctx, Consumer<ChatChunk> out) {
            chunks.forEach(out);
            if (failure != null) {
                throw failure;
            }
        }
    }
}
