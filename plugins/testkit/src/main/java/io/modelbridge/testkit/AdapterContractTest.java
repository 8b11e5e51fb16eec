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
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.ToolDefinition;
import io.modelbridge.spi.Transport;
import io.modelbridge.spi.Usage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The contract every {@link ProviderAdapter} passes, against its vendor's simulator over real sockets (a TCK in
 * the style of Bucket4j's). A vendor module extends it, starts its simulator once, and fills in the small abstract
 * methods: where the simulator listens, the credentials, the model, and how to make the simulator fail.
 *
 * <p>The simulator is expected to answer a chat with {@link #expectedReply(String)} for the last user message, to
 * call the first offered tool when tools are offered, and to report usage.
 */
public abstract class AdapterContractTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<Transport> transports = new ArrayList<>();

    // ---- what a vendor module supplies -------------------------------------------------------------------------

    /** The adapter under test (one instance may serve every test). */
    protected abstract ProviderAdapter adapter();

    /** The base URL a channel would be configured with to reach the running simulator. */
    protected abstract URI simulatorBaseUrl();

    /** A credential the simulator accepts, in the adapter's credential format. */
    protected abstract String credential();

    /** A well-formed credential the simulator refuses. */
    protected abstract String wrongCredential();

    /** A chat model the simulator serves. */
    protected abstract String chatModel();

    /**
     * Makes the simulator produce {@code fault} (errors for the next request, stream faults until
     * {@link #resetSimulator()}). Returns false when the vendor has no such failure: the test is then skipped.
     */
    protected abstract boolean inject(UpstreamFault fault);

    /** Clears every fault; called after each test. */
    protected abstract void resetSimulator();

    /** How many streams the simulator saw cancelled by its client so far. */
    protected abstract int cancelledStreams();

    /** An embedding model the simulator serves (used only with {@link Capability#EMBEDDINGS}). */
    protected String embeddingModel() {
        return chatModel();
    }

    /** A model the simulator does not serve. */
    protected String unknownModel() {
        return "no-such-model-42";
    }

    /** How the vendor's unknown-model answer is classified. */
    protected Kind unknownModelKind() {
        return Kind.MODEL_NOT_FOUND;
    }

    /** The simulator's answer to a chat whose last user message is {@code userText}. */
    protected String expectedReply(String userText) {
        return "echo: " + userText;
    }

    /** Whether the vendor tells how long to wait when rate limiting (checked against the injected value). */
    protected boolean reportsRetryAfter() {
        return true;
    }

    /** Channel extras the adapter needs (endpoint variants, app ids, ...). */
    protected Map<String, String> channelExtras() {
        return Map.of();
    }

    /** The transport under the adapter; the default is {@link DirectTransport}. */
    protected Transport transport(Duration connectTimeout, Duration readTimeout) {
        return new DirectTransport(connectTimeout, readTimeout);
    }

    protected Clock clock() {
        return Clock.systemUTC();
    }

    // ---- helpers for subclasses --------------------------------------------------------------------------------

    /** A call context for the simulator with the given credential and read timeout. */
    protected final CallContext context(String credential, URI baseUrl, Duration readTimeout) {
        Duration connect = Duration.ofSeconds(2);
        ProviderSettings settings = new ProviderSettings("contract", baseUrl.toString(), credential, connect,
                readTimeout, channelExtras());
        Transport transport = transport(connect, readTimeout);
        transports.add(transport);
        return new CallContext(settings, transport, Instant.now().plusSeconds(30), clock());
    }

    protected final CallContext context() {
        return context(credential(), simulatorBaseUrl(), Duration.ofSeconds(5));
    }

    /** A one-message chat request for {@link #chatModel()}. */
    protected final ChatRequest ask(String userText, boolean stream) {
        return new ChatRequest(chatModel(), List.of(Message.of("system", "Be brief."), Message.of("user", userText)),
                stream, stream, Sampling.none(), List.of(), null, null, Map.of());
    }

    protected final ChunkRecorder streamAll(ChatRequest request, CallContext ctx) {
        ChunkRecorder recorder = new ChunkRecorder();
        adapter().stream(request, ctx, recorder);
        return recorder;
    }

    @BeforeEach
    void startClean() {
        resetSimulator();
    }

    @AfterEach
    void cleanUp() throws Exception {
        resetSimulator();
        for (Transport t : transports) {
            if (t instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
        transports.clear();
    }

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
    void consumerFailureCancelsTheUpstreamAndPropagates() {
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
            Thread.onSpinWait();
        }
        assertTrue(cancelledStreams() > before, "the simulator saw the stream closed by its client");
    }

    // ---- assertions --------------------------------------------------------------------------------------------

    /** Runs {@code call}, expects a ProviderException of {@code kind}, returns its failure. */
    protected static ProviderFailure failure(Executable call, Kind kind) {
        ProviderException e = assertThrows(ProviderException.class, call);
        assertEquals(kind, e.failure().kind(), e.failure().toString());
        assertNotNull(e.failure().message());
        return e.failure();
    }

    protected static void assertPlausible(Usage usage) {
        assertNotNull(usage, "usage reported");
        assertTrue(usage.promptTokens() > 0 && usage.completionTokens() > 0, usage.toString());
        assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());
    }

    private ChatRequest askWithTool(boolean stream) {
        Map<String, Object> parameters = Map.of("type", "object",
                "properties", Map.of("city", Map.of("type", "string")), "required", List.of("city"));
        ToolDefinition tool = new ToolDefinition("get_weather", "Current weather in a city", parameters, null);
        return new ChatRequest(chatModel(), List.of(Message.of("user", "Paris")), stream, stream, Sampling.none(),
                List.of(tool), null, null, Map.of());
    }
}
