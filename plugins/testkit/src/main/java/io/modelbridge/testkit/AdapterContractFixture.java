package io.modelbridge.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.Capability;
import io.modelbridge.spi.ChatRequest;
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
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;

/**
 * What {@link AdapterContractTest} needs from a vendor module (the abstract methods) and the helpers its tests
 * share. Vendor modules extend {@link AdapterContractTest}, not this class.
 */
public abstract class AdapterContractFixture {
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
    final void startClean() {
        resetSimulator();
    }

    @AfterEach
    final void cleanUp() throws Exception {
        resetSimulator();
        for (Transport t : transports) {
            if (t instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
        transports.clear();
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

    /** A request offering one tool, {@code get_weather(city)}, asked about Paris. */
    protected final ChatRequest askWithTool(boolean stream) {
        Map<String, Object> parameters = Map.of("type", "object",
                "properties", Map.of("city", Map.of("type", "string")), "required", List.of("city"));
        ToolDefinition tool = new ToolDefinition("get_weather", "Current weather in a city", parameters, null);
        return new ChatRequest(chatModel(), List.of(Message.of("user", "Paris")), stream, stream, Sampling.none(),
                List.of(tool), null, null, Map.of());
    }
}
