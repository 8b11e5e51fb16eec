package io.modelbridge.provider.ernie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.ToolChoice;
import io.modelbridge.spi.ToolDefinition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** OpenAI-shaped requests to ERNIE bodies and paths: what is mapped, clamped, merged, and what is refused. */
class ErnieCodecTest {

    @Test
    void systemAndDeveloperMessagesBecomeTheSystemField() {
        JsonNode body = body(request(List.of(Message.of("system", "Be brief."), Message.of("developer", "Use English."),
                Message.of("user", "hi"))));
        assertEquals("Be brief.\n\nUse English.", body.get("system").asText());
        assertEquals(1, body.get("messages").size());
        assertEquals("user", body.at("/messages/0/role").asText());
        assertFalse(body.has("stream"));
    }

    @Test
    void consecutiveUserMessagesAndConsecutivePlainAssistantMessagesAreMerged() {
        JsonNode body = body(request(List.of(Message.of("user", "one"), Message.of("user", "two"),
                Message.of("assistant", "a"), Message.of("assistant", "b"), Message.of("user", "three"))));
        JsonNode messages = body.get("messages");
        assertEquals(3, messages.size());
        assertEquals("one\n\ntwo", messages.at("/0/content").asText());
        assertEquals("a\n\nb", messages.at("/1/content").asText());
        assertEquals("three", messages.at("/2/content").asText());
    }

    @Test
    void aToolRoundTripBecomesFunctionCallAndAFunctionMessageNamedAfterTheCall() {
        Message call = new Message("assistant", List.of(), null,
                List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")), null, null);
        Message result = new Message("tool", List.of(new ContentPart.Text("{\"temp\":21}")), null, List.of(), "call_1",
                null);
        JsonNode messages = body(request(List.of(Message.of("user", "Paris?"), call, result))).get("messages");
        assertEquals("assistant", messages.at("/1/role").asText());
        assertEquals("", messages.at("/1/content").asText());
        assertEquals("get_weather", messages.at("/1/function_call/name").asText());
        assertEquals("{\"city\":\"Paris\"}", messages.at("/1/function_call/arguments").asText());
        assertEquals("function", messages.at("/2/role").asText());
        assertEquals("get_weather", messages.at("/2/name").asText());
        assertEquals("{\"temp\":21}", messages.at("/2/content").asText());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "leading assistant | start with a user message",
        "trailing assistant | last message to be the user's",
        "two tool calls | one function call per assistant message",
        "image part | text only",
        "unknown tool call id | tool_call_id 'nope' is unknown",
        "tool result after user | turns to alternate",
        "only system | at least one user message",
    })
    void conversationsErnieCannotTakeAreRefusedWithTheReason(String name, String reason) {
        List<Message> messages = switch (name) {
            case "leading assistant" -> List.of(Message.of("assistant", "hello"), Message.of("user", "hi"));
            case "trailing assistant" -> List.of(Message.of("user", "hi"), Message.of("assistant", "prefill"));
            case "two tool calls" -> List.of(Message.of("user", "hi"), new Message("assistant", List.of(), null,
                    List.of(new ToolCall("a", "f", "{}"), new ToolCall("b", "g", "{}")), null, null));
            case "image part" -> List.of(new Message("user", List.of(new ContentPart.Text("see"),
                    new ContentPart.ImageUrl("https://example.com/cat.png", null)), null, List.of(), null, null));
            case "unknown tool call id" -> List.of(Message.of("user", "hi"), new Message("tool",
                    List.of(new ContentPart.Text("42")), null, List.of(), "nope", null));
            case "tool result after user" -> List.of(Message.of("user", "hi"), new Message("tool",
                    List.of(new ContentPart.Text("42")), "f", List.of(), null, null));
            default -> List.of(Message.of("system", "alone"));
        };
        ProviderException e = assertThrows(ProviderException.class, () -> ErnieCodec.chat(request(messages), false));
        assertEquals(Kind.BAD_REQUEST, e.failure().kind());
        assertTrue(e.failure().message().contains(reason), e.failure().message());
    }

    @Test
    void samplingIsClampedIntoErniesRanges() {
        assertEquals(0.01, body(sampled(new Sampling(0.0, null, null, null, null, null, null, null)))
                .get("temperature").asDouble());
        assertEquals(1.0, body(sampled(new Sampling(1.7, null, null, null, null, null, null, null)))
                .get("temperature").asDouble());
        JsonNode body = body(sampled(new Sampling(0.5, 0.9, 1, List.of("END", "STOP"), 1.0, 0.4, 1, 7L)));
        assertEquals(0.5, body.get("temperature").asDouble());
        assertEquals(0.9, body.get("top_p").asDouble());
        assertEquals(2, body.get("max_output_tokens").asInt(), "ERNIE's minimum output is 2 tokens");
        assertEquals("[\"END\",\"STOP\"]", body.get("stop").toString());
        assertEquals(1.5, body.get("penalty_score").asDouble(), "the stronger penalty, 1.0, maps to 1.5 in [1, 2]");
        assertFalse(body.has("seed"), "seed is best effort in OpenAI; ERNIE has none");
        assertFalse(body(sampled(new Sampling(null, null, 500, List.of(), 0.0, 0.0, null, null))).has("penalty_score"));
    }

    @Test
    void aLimitAboveAn8kModelsOutputCapGoesAsTheCap() {
        Sampling claudeCode = new Sampling(null, null, 32_000, List.of(), null, null, null, null);
        for (String model : List.of("ERNIE-3.5-8K", "ERNIE-4.0-8K", "ernie-4.0-8k-latest")) {
            ChatRequest request = new ChatRequest(model, List.of(Message.of("user", "hi")), false, false, claudeCode,
                    List.of(), null, null, Map.of());
            assertEquals(2048, body(request).get("max_output_tokens").asInt(), model);
        }
        ChatRequest speed = new ChatRequest("ERNIE-Speed-128K", List.of(Message.of("user", "hi")), false, false,
                claudeCode, List.of(), null, null, Map.of());
        assertEquals(32_000, body(speed).get("max_output_tokens").asInt(),
                "a family whose cap is not known keeps the client's limit");
    }

    @Test
    void whatErnieCannotDoIsRefused() {
        List<Sampling> refused = List.of(new Sampling(null, null, null, null, -0.5, null, null, null),
                new Sampling(null, null, null, null, null, null, 2, null));
        for (Sampling s : refused) {
            assertEquals(Kind.BAD_REQUEST, assertThrows(ProviderException.class,
                    () -> ErnieCodec.chat(sampled(s), false)).failure().kind());
        }
        for (Map<String, Object> extras : List.<Map<String, Object>>of(Map.of("logprobs", true),
                Map.of("logit_bias", Map.of("50256", -100)), Map.of("response_format", Map.of("type", "json_schema")),
                Map.of("reasoning_effort", "high"))) {
            ChatRequest request = new ChatRequest("ERNIE-3.5-8K", List.of(Message.of("user", "hi")), false, false,
                    Sampling.none(), List.of(), null, null, extras);
            assertEquals(Kind.BAD_REQUEST, assertThrows(ProviderException.class,
                    () -> ErnieCodec.chat(request, false)).failure().kind(), extras.toString());
        }
    }

    @Test
    void userStreamNativeExtrasAndResponseFormatAreMapped() {
        ChatRequest request = new ChatRequest("ERNIE-3.5-8K", List.of(Message.of("user", "hi")), true, false,
                Sampling.none(), List.of(), null, "end-user-7", Map.of("disable_search", true,
                "response_format", Map.of("type", "json_object"), "parallel_tool_calls", false));
        JsonNode body = ErnieJson.object(ErnieCodec.chat(request, true)).orElseThrow();
        assertTrue(body.get("stream").asBoolean());
        assertEquals("end-user-7", body.get("user_id").asText());
        assertTrue(body.get("disable_search").asBoolean());
        assertEquals("json_object", body.get("response_format").asText());
        assertFalse(body.has("parallel_tool_calls"));
        assertFalse(body.has("model"), "the model is in the path, not the body");
    }

    @Test
    void toolsBecomeFunctionsAndToolChoiceIsMappedWhereErnieHasAnEquivalent() {
        JsonNode body = body(withWeatherTool(ErnieTokenTest.ask("Paris")));
        assertEquals("get_weather", body.at("/functions/0/name").asText());
        assertEquals("Current weather in a city", body.at("/functions/0/description").asText());
        assertEquals("string", body.at("/functions/0/parameters/properties/city/type").asText());
        assertFalse(body.has("tool_choice"));
        ChatRequest named = withChoice(ToolChoice.named("get_weather"));
        assertEquals("get_weather", body(named).at("/tool_choice/function/name").asText());
        assertEquals("function", body(named).at("/tool_choice/type").asText());
        assertEquals("get_weather", body(withChoice(new ToolChoice("required", null))).at("/tool_choice/function/name")
                .asText(), "required with one tool is that tool");
        assertFalse(body(withChoice(new ToolChoice("none", null))).has("functions"), "none: no functions offered");
        assertEquals(Kind.BAD_REQUEST, assertThrows(ProviderException.class,
                () -> ErnieCodec.chat(withChoice(ToolChoice.named("other")), false)).failure().kind());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "ERNIE-4.0-8K,      chat/completions_pro",
        "ERNIE-3.5-8K,      chat/completions",
        "ERNIE-Speed-8K,    chat/ernie_speed",
        "ERNIE-Speed-128K,  chat/ernie-speed-128k",
        "ERNIE-Lite-8K,     chat/ernie-lite-8k",
        "ERNIE-Bot-turbo,   chat/eb-instant",
        "ERNIE-4.0-8K-Latest, chat/ernie-4.0-8k-latest",
        "completions_pro,   chat/completions_pro",
    })
    void modelsMapToTheirEndpointPaths(String model, String path) {
        assertEquals("/rpc/2.0/ai_custom/v1/wenxinworkshop/" + path, ErnieEndpoints.chatPath(model));
    }

    @Test
    void embeddingModelsAndBaseUrlsFollowTheRule() {
        assertEquals("/rpc/2.0/ai_custom/v1/wenxinworkshop/embeddings/embedding-v1",
                ErnieEndpoints.embeddingsPath("Embedding-V1"));
        assertEquals("/rpc/2.0/ai_custom/v1/wenxinworkshop/embeddings/bge_large_zh",
                ErnieEndpoints.embeddingsPath("bge-large-zh"));
        assertEquals("https://aip.baidubce.com/oauth/2.0/token", settings("").endpoint(ErnieEndpoints.DEFAULT_BASE_URL,
                ErnieEndpoints.TOKEN_PATH).toString());
        assertEquals("http://proxy.local:9000/oauth/2.0/token", settings("http://proxy.local:9000/")
                .endpoint(ErnieEndpoints.DEFAULT_BASE_URL, ErnieEndpoints.TOKEN_PATH).toString());
        assertEquals("http://proxy.local:9000/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions",
                settings("http://proxy.local:9000").endpoint(ErnieEndpoints.DEFAULT_BASE_URL,
                        ErnieEndpoints.chatPath("ERNIE-3.5-8K")).toString());
    }

    static ChatRequest withWeatherTool(ChatRequest request) {
        Map<String, Object> parameters = Map.of("type", "object",
                "properties", Map.of("city", Map.of("type", "string")), "required", List.of("city"));
        return new ChatRequest(request.model(), request.messages(), request.stream(), request.includeUsage(),
                request.sampling(), List.of(new ToolDefinition("get_weather", "Current weather in a city", parameters,
                null)), request.toolChoice(), request.user(), request.extras());
    }

    private static ChatRequest withChoice(ToolChoice choice) {
        ChatRequest r = withWeatherTool(ErnieTokenTest.ask("Paris"));
        return new ChatRequest(r.model(), r.messages(), false, false, r.sampling(), r.tools(), choice, null, Map.of());
    }

    private static ChatRequest request(List<Message> messages) {
        return new ChatRequest("ERNIE-3.5-8K", messages, false, false, Sampling.none(), List.of(), null, null, Map.of());
    }

    private static ChatRequest sampled(Sampling sampling) {
        return new ChatRequest("ERNIE-3.5-8K", List.of(Message.of("user", "hi")), false, false, sampling, List.of(),
                null, null, Map.of());
    }

    private static JsonNode body(ChatRequest request) {
        return ErnieJson.object(ErnieCodec.chat(request, false)).orElseThrow();
    }

    private static ProviderSettings settings(String baseUrl) {
        return new ProviderSettings("c", baseUrl, "a|b", Duration.ofSeconds(1), Duration.ofSeconds(1), Map.of());
    }
}
