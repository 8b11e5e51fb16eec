package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official Anthropic Java SDK ({@code com.anthropic:anthropic-java}, unmodified: only its base URL and API key
 * set) against the gateway, behind the openai, deepseek and qwen simulators: messages create, a stream collected
 * event by event and accumulated into its message, a tool-use round trip, count_tokens, and an error as the SDK's
 * typed exception.
 */
@Tag("it")
@Timeout(180)
class AnthropicJavaSdkIT {
    @TempDir
    static Path dataDir;
    static ThreeVendors vendors;
    static RunningGateway gateway;
    static AnthropicClient client;

    @BeforeAll
    static void start() {
        vendors = ThreeVendors.start();
        gateway = RunningGateway.start(dataDir);
        vendors.routeOn(gateway);
        vendors.routeReasonerOn(gateway);
        client = sdk(gateway.userWithKey("java-sdk-user"));
    }

    @AfterAll
    static void stop() {
        client.close();
        gateway.close();
        vendors.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen"})
    void createAnswersAMessage(String model) {
        Message message = client.messages().create(MessageCreateParams.builder().model(model).maxTokens(64)
                .addUserMessage("hello from the java sdk").build());
        assertTrue(message.id().startsWith("msg_"), message.toString());
        assertEquals(model, message.model().asString());
        assertEquals(StopReason.END_TURN, message.stopReason().orElseThrow());
        assertTrue(text(message).contains("hello from the java sdk"), message.toString());
        assertTrue(message.usage().inputTokens() > 0 && message.usage().outputTokens() > 0, message.toString());
        assertEquals(0L, message.usage().cacheCreationInputTokens().orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen"})
    void aStreamIsCollectedAndAccumulated(String model) {
        MessageAccumulator accumulator = MessageAccumulator.create();
        List<RawMessageStreamEvent> events = new ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(MessageCreateParams
                .builder().model(model).maxTokens(64).addUserMessage("stream to me please").build())) {
            stream.stream().forEach(event -> events.add(accumulator.accumulate(event)));
        }
        assertTrue(events.getFirst().isMessageStart(), events.toString());
        assertTrue(events.getLast().isMessageStop(), events.toString());
        StringBuilder deltas = new StringBuilder();
        events.stream().filter(RawMessageStreamEvent::isContentBlockDelta)
                .forEach(e -> deltas.append(e.asContentBlockDelta().delta().asText().text()));
        assertTrue(deltas.toString().contains("stream to me please"), deltas.toString());

        Message accumulated = accumulator.message();
        assertEquals(deltas.toString(), text(accumulated));
        assertEquals(model, accumulated.model().asString());
        assertEquals(StopReason.END_TURN, accumulated.stopReason().orElseThrow());
        assertTrue(accumulated.usage().outputTokens() > 0, accumulated.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen"})
    void aToolUseRoundTrip(String model) {
        Tool weather = Tool.builder().name("get_weather").description("The weather in a city")
                .inputSchema(Tool.InputSchema.builder().properties(JsonValue.from(Map.of("city",
                        Map.of("type", "string")))).addRequired("city").build()).build();
        MessageCreateParams.Builder ask = MessageCreateParams.builder().model(model).maxTokens(64).addTool(weather)
                .addUserMessage("Paris");
        Message toolUse = client.messages().create(ask.build());
        assertEquals(StopReason.TOOL_USE, toolUse.stopReason().orElseThrow(), toolUse.toString());
        ToolUseBlock call = toolUse.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
        assertEquals("get_weather", call.name());
        assertTrue(call._input().toString().contains("Paris"), call.toString());

        Message answered = client.messages().create(ask.addMessage(toolUse).addUserMessageOfContentBlockParams(List.of(
                ContentBlockParam.ofToolResult(ToolResultBlockParam.builder().toolUseId(call.id())
                        .content("18 degrees").build()))).build());
        assertEquals(StopReason.END_TURN, answered.stopReason().orElseThrow(), answered.toString());
        assertTrue(answered.content().stream().anyMatch(ContentBlock::isText), answered.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen"})
    void countTokensCountsTheInput(String model) {
        long counted = client.messages().countTokens(MessageCountTokensParams.builder().model(model)
                .addUserMessage("How many tokens are in this question?").build()).inputTokens();
        assertTrue(counted > 5, "counted " + counted);
    }

    /** Asked for thinking, DeepSeek reasoner's reasoning is the SDK's thinking block, whole and accumulated. */
    @org.junit.jupiter.api.Test
    void reasoningIsAThinkingBlock() {
        MessageCreateParams params = MessageCreateParams.builder().model("reasoner").maxTokens(2048)
                .enabledThinking(1024).addUserMessage("why is the sky blue").build();
        Message whole = client.messages().create(params);
        assertEquals("Thinking about: why is the sky blue", whole.content().getFirst().asThinking().thinking(),
                whole.toString());
        assertTrue(whole.content().get(1).isText(), whole.toString());

        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message streamed = accumulator.message();
        assertEquals(whole.content().getFirst().asThinking().thinking(),
                streamed.content().getFirst().asThinking().thinking(), streamed.toString());
        assertEquals(text(whole), text(streamed));
    }

    /** A wrong key is the SDK's typed 401 exception, with Anthropic's error type. */
    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen"})
    void aRefusalIsTheSdksTypedException(String model) {
        AnthropicClient stranger = sdk("mb-not-a-key");
        try {
            UnauthorizedException refused = assertThrows(UnauthorizedException.class, () -> stranger.messages()
                    .create(MessageCreateParams.builder().model(model).maxTokens(16).addUserMessage("hi").build()));
            assertEquals(401, refused.statusCode());
            assertEquals("authentication_error", refused.errorType().orElseThrow().asString(), refused.toString());
        } finally {
            stranger.close();
        }
    }

    /** The SDK as its README shows it, pointed at the gateway; no retries, so every call is one request. */
    private static AnthropicClient sdk(String key) {
        return AnthropicOkHttpClient.builder().baseUrl(gateway.api().toString()).apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    private static String text(Message message) {
        return message.content().stream().flatMap(b -> b.text().stream()).map(t -> t.text())
                .collect(Collectors.joining());
    }
}
