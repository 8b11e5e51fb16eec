package io.modelbridge.provider.glm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.compat.OpenAiJson;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.EmbeddingRequest;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.ToolChoice;
import io.modelbridge.spi.ToolDefinition;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.glm.GlmSimulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** OpenAI requests as GLM receives them: clamped where GLM's ranges are narrower, refused where it has no equivalent. */
class GlmCodecTest {
    private static final ToolDefinition WEATHER = new ToolDefinition("get_weather", "Weather in a city",
            Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"))), null);

    @Test
    void samplingIsClampedIntoGlmsOpenIntervals() {
        JsonNode hot = body(request(sampling(1.7, 1.0, 300, List.of("END")), List.of(), null, "bob", Map.of()));
        assertEquals(0.99, hot.path("temperature").asDouble());
        assertEquals(0.99, hot.path("top_p").asDouble());
        assertEquals(300, hot.path("max_tokens").asInt());
        assertEquals("[\"END\"]", hot.path("stop").toString());
        assertEquals("mb-user-bob", hot.path("user_id").asText());
        assertFalse(hot.has("user"));
        JsonNode mild = body(request(sampling(0.3, 0.0, null, List.of()), List.of(), null, null, Map.of()));
        assertEquals(0.3, mild.path("temperature").asDouble());
        assertEquals(0.01, mild.path("top_p").asDouble());
        JsonNode greedy = body(request(sampling(0.0, 0.5, null, List.of()), List.of(), null, null, Map.of()));
        assertFalse(greedy.path("do_sample").asBoolean(true), "temperature 0 is greedy decoding");
        assertFalse(greedy.has("temperature") || greedy.has("top_p"), greedy.toString());
    }

    @Test
    void userIdsAreKeptWithinSixTo128Characters() {
        assertEquals("customer-42", GlmParameters.userId("customer-42"));
        assertEquals(64, GlmParameters.userId("x".repeat(200)).length());
        assertEquals(GlmParameters.userId("x".repeat(200)), GlmParameters.userId("x".repeat(200)));
    }

    @Test
    void whatGlmCannotDoIsRefusedAsABadRequestNamingTheParameter() {
        refused("stop", () -> body(request(sampling(null, null, null, List.of("a", "b")), List.of(), null, null, Map.of())));
        refused("presence_penalty", () -> body(request(new Sampling(null, null, null, List.of(), 0.5, null, null, null),
                List.of(), null, null, Map.of())));
        refused("n", () -> body(request(new Sampling(null, null, null, List.of(), null, null, 3, null),
                List.of(), null, null, Map.of())));
        refused("tool_choice", () -> body(request(Sampling.none(), List.of(WEATHER), new ToolChoice("required", null),
                null, Map.of())));
        refused("tool_choice", () -> body(request(Sampling.none(), List.of(WEATHER), ToolChoice.named("get_weather"),
                null, Map.of())));
        refused("logprobs", () -> body(request(Sampling.none(), List.of(), null, null, Map.of("logprobs", true))));
        refused("response_format", () -> body(request(Sampling.none(), List.of(), null, null,
                Map.of("response_format", Map.of("type", "json_schema")))));
        refused("messages", () -> GlmCodec.message(new Message("user",
                List.of(new ContentPart.Other("input_audio", Map.of())), null, List.of(), null, null)));
        refused("messages", () -> GlmCodec.message(Message.of("function", "{}")));
    }

    @Test
    void neutralOpenAiFieldsAreLeftOutAndGlmsOwnAreSent() {
        JsonNode body = body(request(Sampling.none(), List.of(), null, null, Map.of("logprobs", false,
                "parallel_tool_calls", true, "store", false, "thinking", Map.of("type", "disabled"),
                "response_format", Map.of("type", "json_object"))));
        assertFalse(body.has("logprobs"), body.toString());
        assertFalse(body.has("parallel_tool_calls") || body.has("store"), body.toString());
        assertEquals("disabled", body.path("thinking").path("type").asText());
        assertEquals("json_object", body.path("response_format").path("type").asText());
    }

    @Test
    void toolsAreFunctionsWithAutoChoiceAndNoneOffersNoTools() {
        JsonNode auto = body(request(Sampling.none(), List.of(WEATHER), null, null, Map.of()));
        assertEquals("function", auto.path("tools").get(0).path("type").asText());
        assertEquals("get_weather", auto.path("tools").get(0).path("function").path("name").asText());
        assertEquals("auto", auto.path("tool_choice").asText());
        JsonNode none = body(request(Sampling.none(), List.of(WEATHER), new ToolChoice("none", null), null, Map.of()));
        assertFalse(none.has("tools") || none.has("tool_choice"), none.toString());
    }

    @Test
    void aStrictToolGoesWithoutTheFlagGlmDoesNotHave() {
        ToolDefinition strict = new ToolDefinition("get_weather", null, WEATHER.parameters(), true);
        JsonNode tool = body(request(Sampling.none(), List.of(strict), null, null, Map.of())).path("tools").get(0);
        assertEquals("get_weather", tool.path("function").path("name").asText(), tool.toString());
        assertEquals(WEATHER.parameters().get("type"), tool.path("function").path("parameters").path("type").asText());
        assertFalse(tool.path("function").has("strict"), tool.toString());
    }

    @Test
    void messagesMapRolesToolCallsAndInlineImages() {
        JsonNode developer = GlmCodec.message(Message.of("developer", "rules"));
        assertEquals("system", developer.path("role").asText());
        JsonNode call = GlmCodec.message(new Message("assistant", List.of(), null,
                List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")), null, "thinking..."));
        assertFalse(call.has("content") || call.has("reasoning_content"), call.toString());
        assertEquals("call_1", call.path("tool_calls").get(0).path("id").asText());
        JsonNode result = GlmCodec.message(new Message("tool", List.of(new ContentPart.Text("18C")), null, List.of(),
                "call_1", null));
        assertEquals("call_1", result.path("tool_call_id").asText());
        JsonNode image = GlmCodec.message(new Message("user", List.of(new ContentPart.Text("what is it?"),
                new ContentPart.ImageUrl("data:image/png;base64,iVBORw0KGgo=", "high")), null, List.of(), null, null));
        assertEquals("iVBORw0KGgo=", image.path("content").get(1).path("image_url").path("url").asText());
        assertEquals("https://x/y.png", GlmCodec.withoutDataPrefix("https://x/y.png"));
    }

    @Test
    void embeddingDimensionsFollowEachModelsChoices() {
        assertEquals(512, embedding("embedding-3", 512).path("dimensions").asInt());
        assertFalse(embedding("embedding-2", 1024).has("dimensions"), "embedding-2 is always 1024");
        refused("dimensions", () -> embedding("embedding-3", 300));
        refused("dimensions", () -> embedding("embedding-2", 512));
        assertEquals("[\"a\",\"b\"]", embedding("embedding-3", null).path("input").toString());
    }

    @Test
    void theSimulatorAcceptsWhatTheCodecSendsForOutOfRangeOpenAiValues() {
        try (GlmSimulator simulator = GlmSimulator.start();
             DirectTransport transport = new DirectTransport(Duration.ofSeconds(2), Duration.ofSeconds(5))) {
            ChatRequest request = request(sampling(2.0, 1.0, 50, List.of("END")), List.of(WEATHER), null, "u1", Map.of());
            var answer = new GlmAdapter().chat(request.withModel("glm-4-plus"), GlmTestSupport.ctx(simulator, transport));
            assertEquals("get_weather", answer.choices().getFirst().message().toolCalls().getFirst().name());
            assertEquals(0.99, simulator.lastRequest().json().path("temperature").asDouble());
        }
    }

    private static void refused(String param, Executable call) {
        ProviderException e = assertThrows(ProviderException.class, call);
        assertEquals(Kind.BAD_REQUEST, e.failure().kind());
        assertFalse(e.failure().kind().failover());
        assertTrue(e.failure().message().contains("'" + param + "'"), e.failure().message());
    }

    private static JsonNode embedding(String model, Integer dimensions) {
        EmbeddingRequest request = new EmbeddingRequest(model, List.of("a", "b"), dimensions, "u", Map.of());
        return OpenAiJson.parse(GlmCodec.embeddingRequest(request, request.input())).orElseThrow();
    }

    private static Sampling sampling(Double temperature, Double topP, Integer maxTokens, List<String> stop) {
        return new Sampling(temperature, topP, maxTokens, stop, null, null, null, null);
    }

    private static ChatRequest request(Sampling sampling, List<ToolDefinition> tools, ToolChoice choice, String user,
                                       Map<String, Object> extras) {
        return new ChatRequest("glm-4-plus", List.of(Message.of("system", "Be brief."), Message.of("user", "Paris")),
                false, false, sampling, tools, choice, user, extras);
    }

    private static JsonNode body(ChatRequest request) {
        return OpenAiJson.parse(GlmCodec.chatRequest(request, false)).orElseThrow();
    }
}
