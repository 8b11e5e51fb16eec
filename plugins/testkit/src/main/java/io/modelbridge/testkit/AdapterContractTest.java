package io.modelbridge.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.Capability;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.EmbeddingRequest;
import io.modelbridge.spi.EmbeddingResponse;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderFailure.Kind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The contract every {@link ProviderAdapter} passes, against its vendor's simulator over real sockets (a TCK in
 * the style of Bucket4j's). A vendor module extends it, starts its simulator once (in {@code @BeforeAll}), and
 * implements the small abstract methods of {@link AdapterContractFixture}: where the simulator listens, the
 * credentials, the model, and how to make the simulator fail ({@link UpstreamFault}).
 *
 * <p>The simulator is expected to answer a chat with {@link #expectedReply(String)} for the last user message, to
 * call the offered tool when tools are offered and the last message is the user's, and to report usage.
 */
public abstract class AdapterContractTest extends AdapterContractFixture {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    // ---- chat --------------------------------------------------------------------------------------------------

    @Test
    void chatAnswersWithContentUsageAndFinishReason() {
        ChatResponse response = adapter().chat(ask("hello contract", false), context());
        assertEquals(1, response.choices().size());
        ChatResponse.Choice choice = response.choices().getFirst();
        assertEquals("assistant", choice.message().role());
        assertEquals(expectedReply("hello contract"), choice.message().text());
        assertEquals(FinishReason.STOP, choice.finishReason());
        assertPlausible(response.usage());
    }

    @Test
    void streamPushesTextThenExactlyOneFinishAndOneUsageReport() {
        ChatResponse plain = adapter().chat(ask("stream me please", false), context());
        ChunkRecorder stream = streamAll(ask("stream me please", true), context());
        List<ChatChunk> chunks = stream.chunks();
        assertInstanceOf(ChatChunk.TextDelta.class, chunks.getFirst(), "text comes first: " + chunks);
        assertEquals(plain.choices().getFirst().message().text(), stream.text());
        assertEquals(List.of(new ChatChunk.Finish(0, FinishReason.STOP)), stream.of(ChatChunk.Finish.class));
        int finishAt = chunks.indexOf(stream.of(ChatChunk.Finish.class).getFirst());
        assertTrue(chunks.subList(finishAt, chunks.size()).stream().noneMatch(ChatChunk.TextDelta.class::isInstance),
                "no text after Finish: " + chunks);
        assertEquals(1, stream.of(ChatChunk.UsageReport.class).size(), "one UsageReport: " + chunks);
        assertEquals(plain.usage(), stream.of(ChatChunk.UsageReport.class).getFirst().usage());
    }

    @Test
    void streamDeliversEachChunkAsItArrives() {
        Duration gap = Duration.ofMillis(150);
        assumeTrue(inject(new UpstreamFault.SlowStream(gap)));
        ChunkRecorder stream = streamAll(ask("one two three four", true), context());
        long returned = System.nanoTime();
        long firstText = stream.arrivals().stream().filter(a -> a.chunk() instanceof ChatChunk.TextDelta)
                .findFirst().orElseThrow().nanos();
        assertTrue(Duration.ofNanos(returned - firstText).compareTo(gap.multipliedBy(3)) >= 0,
                "the first text must reach the consumer while the stream is still running, not when it ends");
    }

    @Test
    void toolCallsAreReturnedWhenToolsAreOffered() throws IOException {
        assumeTrue(adapter().info().capabilities().contains(Capability.TOOLS));
        ChatResponse response = adapter().chat(askWithTool(false), context());
        ChatResponse.Choice choice = response.choices().getFirst();
        assertEquals(FinishReason.TOOL_CALLS, choice.finishReason());
        assertEquals(1, choice.message().toolCalls().size());
        var call = choice.message().toolCalls().getFirst();
        assertEquals("get_weather", call.name());
        assertFalse(call.id() == null || call.id().isBlank(), "a tool call has an id");
        assertTrue(JSON.readTree(call.arguments()).isObject(), "arguments are a JSON object: " + call.arguments());
    }

    @Test
    void streamedToolCallStartsWithIdAndNameAndConcatenatesToTheSameArguments() {
        assumeTrue(adapter().info().capabilities().contains(Capability.TOOLS));
        String arguments = adapter().chat(askWithTool(false), context())
                .choices().getFirst().message().toolCalls().getFirst().arguments();
        ChunkRecorder stream = streamAll(askWithTool(true), context());
        List<ChatChunk.ToolCallDelta> deltas = stream.of(ChatChunk.ToolCallDelta.class);
        assertFalse(deltas.isEmpty(), "tool call deltas: " + stream.chunks());
        assertEquals("get_weather", deltas.getFirst().name());
        assertNotNull(deltas.getFirst().id());
        assertEquals(arguments, stream.toolArguments(0));
        assertEquals(List.of(new ChatChunk.Finish(0, FinishReason.TOOL_CALLS)), stream.of(ChatChunk.Finish.class));
    }

    @Test
    void concurrentStreamsDoNotMixUp() throws Exception {
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> texts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String question = "question number " + i;
                texts.add(pool.submit(() -> streamAll(ask(question, true), context()).text()));
            }
            for (int i = 0; i < texts.size(); i++) {
                assertEquals(expectedReply("question number " + i), texts.get(i).get());
            }
        }
    }

    // ---- embeddings --------------------------------------------------------------------------------------------

    @Test
    void embeddingsComeBackInInputOrderAndAreDeterministic() {
        assumeTrue(adapter().info().capabilities().contains(Capability.EMBEDDINGS));
        EmbeddingRequest request = new EmbeddingRequest(embeddingModel(), List.of("first text", "second"), null,
                null, Map.of());
        EmbeddingResponse one = adapter().embed(request, context());
        EmbeddingResponse two = adapter().embed(request.withModel(embeddingModel()), context());
        assertEquals(2, one.vectors().size());
        assertTrue(one.vectors().getFirst().length > 0);
        assertEquals(one.vectors().getFirst().length, one.vectors().get(1).length);
        assertTrue(java.util.Arrays.equals(one.vectors().getFirst(), two.vectors().getFirst()));
        assertFalse(java.util.Arrays.equals(one.vectors().getFirst(), one.vectors().get(1)));
    }

    // ---- failures before the first byte ------------------------------------------------------------------------

    @Test
    void wrongCredentialIsAuthAndNeverEchoed() {
        CallContext ctx = context(wrongCredential(), simulatorBaseUrl(), Duration.ofSeconds(5));
        for (Executable call : List.<Executable>of(() -> adapter().chat(ask("hi", false), ctx),
                () -> streamAll(ask("hi", true), ctx))) {
            ProviderFailure failure = failure(call, Kind.AUTH);
            assertTrue(failure.kind().failover());
            assertFalse(failure.message().contains(wrongCredential()), "message leaks the key: " + failure.message());
        }
    }

    @Test
    void rateLimitIsRetryableAndCarriesRetryAfter() {
        assumeTrue(inject(new UpstreamFault.RateLimited(Duration.ofSeconds(7))));
        ProviderFailure failure = failure(() -> adapter().chat(ask("hi", false), context()), Kind.RATE_LIMIT);
        assertTrue(failure.kind().failover());
        if (reportsRetryAfter()) {
            assertEquals(Duration.ofSeconds(7), failure.retryAfter());
        }
    }

    @Test
    void exhaustedQuotaIsQuota() {
        assumeTrue(inject(new UpstreamFault.QuotaExhausted()));
        failure(() -> adapter().chat(ask("hi", false), context()), Kind.QUOTA);
    }

    @Test
    void badRequestKeepsTheVendorMessageAndDoesNotFailOver() {
        assumeTrue(inject(new UpstreamFault.BadRequest("temperature is out of range 4711")));
        ProviderFailure failure = failure(() -> adapter().chat(ask("hi", false), context()), Kind.BAD_REQUEST);
        assertFalse(failure.kind().failover());
        assertTrue(failure.message().contains("4711"), "vendor message kept: " + failure.message());
    }

    @Test
    void promptTooLongIsContextTooLong() {
        assumeTrue(inject(new UpstreamFault.ContextTooLong()));
        failure(() -> adapter().chat(ask("hi", false), context()), Kind.CONTEXT_TOO_LONG);
    }

    @Test
    void serverErrorsAreUnavailable() {
        for (int status : new int[] {500, 503}) {
            assumeTrue(inject(new UpstreamFault.ServerError(status)));
            assertTrue(failure(() -> adapter().chat(ask("hi", false), context()), Kind.UNAVAILABLE).kind().failover());
        }
    }

    @Test
    void errorBeforeTheStreamStartsPushesNothing() {
        assumeTrue(inject(new UpstreamFault.ServerError(500)));
        ChunkRecorder recorder = new ChunkRecorder();
        failure(() -> adapter().stream(ask("hi", true), context(), recorder), Kind.UNAVAILABLE);
        assertEquals(List.of(), recorder.chunks());
    }

    @Test
    void unknownModelIsClassified() {
        ChatRequest request = ask("hi", false).withModel(unknownModel());
        failure(() -> adapter().chat(request, context()), unknownModelKind());
    }

    @Test
    void refusedConnectionIsUnavailable() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        URI nowhere = URI.create(simulatorBaseUrl().getScheme() + "://127.0.0.1:" + port);
        CallContext ctx = context(credential(), nowhere, Duration.ofSeconds(2));
        failure(() -> adapter().chat(ask("hi", false), ctx), Kind.UNAVAILABLE);
    }

    @Test
    void hangingUpstreamTimesOut() {
        assumeTrue(inject(new UpstreamFault.HangBeforeHeaders(Duration.ofSeconds(10))));
        CallContext ctx = context(credential(), simulatorBaseUrl(), Duration.ofMillis(300));
        long start = System.nanoTime();
        failure(() -> adapter().chat(ask("hi", false), ctx), Kind.TIMEOUT);
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 3000, "gave up near the read timeout");
    }

    // ---- failures mid-stream -----------------------------------------------------------------------------------

    @Test
    void stalledStreamTimesOut() {
        assumeTrue(inject(new UpstreamFault.SlowStream(Duration.ofSeconds(3))));
        CallContext ctx = context(credential(), simulatorBaseUrl(), Duration.ofMillis(300));
        failure(() -> streamAll(ask("hi there", true), ctx), Kind.TIMEOUT);
    }

    @Test
    void droppedStreamFailsAfterThePartialText() {
        assumeTrue(inject(new UpstreamFault.DropStreamAfter(3)));
        ChunkRecorder recorder = new ChunkRecorder();
        ProviderException e = assertThrows(ProviderException.class,
                () -> adapter().stream(ask("a b c d e f g h", true), context(), recorder));
        assertFalse(recorder.text().isEmpty(), "text before the drop reached the consumer");
        assertEquals(List.of(), recorder.of(ChatChunk.Finish.class));
        assertTrue(e.failure().kind() == Kind.PROTOCOL || e.failure().kind() == Kind.UNAVAILABLE, e.toString());
    }

    @Test
    void errorEventMidStreamFailsAfterThePartialText() {
        assumeTrue(inject(new UpstreamFault.ErrorEventAfter(3)));
        ChunkRecorder recorder = new ChunkRecorder();
        assertThrows(ProviderException.class, () -> adapter().stream(ask("a b c d e f g h", true), context(), recorder));
        assertFalse(recorder.text().isEmpty(), "text before the error reached the consumer");
        assertEquals(List.of(), recorder.of(ChatChunk.Finish.class));
    }

    @Test
    void consumerFailureCancelsTheUpstreamAndPropagates() throws InterruptedException {
        assumeTrue(inject(new UpstreamFault.SlowStream(Duration.ofMillis(50))));
        int before = cancelledStreams();
        RuntimeException clientGone = new IllegalStateException("client went away");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> adapter().stream(
                ask("one two three four five six seven eight nine ten eleven twelve", true), context(), chunk -> {
                    if (chunk instanceof ChatChunk.TextDelta) {
                        throw clientGone;
                    }
                }));
        assertSame(clientGone, thrown, "the consumer's own exception propagates");
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (cancelledStreams() <= before && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(cancelledStreams() > before, "the simulator saw the stream closed by its client");
    }
}
