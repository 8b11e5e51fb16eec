package io.modelbridge.provider.spark;

import static io.modelbridge.provider.spark.SparkTestSupport.ask;
import static io.modelbridge.provider.spark.SparkTestSupport.request;
import static io.modelbridge.provider.spark.SparkTestSupport.sampling;
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
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.ToolChoice;
import io.modelbridge.spi.ToolDefinition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OpenAI requests to Spark's request frame: models, roles, ranges clamped or refused, functions, uid. */
class SparkCodecTest {
    private static final SparkModel MAX = SparkModel.find("spark-max").orElseThrow();
    private static final SparkModel LITE = SparkModel.find("spark-lite").orElseThrow();

    @Test
    void modelsAreFoundByGatewayNameOrDomainWithTheirDocumentedPaths() {
        assertEquals("/v3.5/chat", SparkModel.find("Spark-Max").orElseThrow().path());
        assertEquals("generalv3.5", SparkModel.find("generalv3.5").orElseThrow().domain());
        assertEquals("/v1.1/chat", SparkModel.find("lite").orElseThrow().path());
        assertEquals("/v3.1/chat", SparkModel.find("generalv3").orElseThrow().path());
        assertEquals("/chat/pro-128k", SparkModel.find("spark-pro-128k").orElseThrow().path());
        assertEquals("/chat/max-32k", SparkModel.find("max-32k").orElseThrow().path());
        assertEquals("4.0Ultra", SparkModel.find("spark-4.0-ultra").orElseThrow().domain());
        assertEquals("/v4.0/chat", SparkModel.find("4.0ultra").orElseThrow().path());
        assertTrue(SparkModel.find("gpt-4o").isEmpty());
    }

    @Test
    void frameCarriesAppIdDomainAndTheConversation() {
        JsonNode frame = frame(request("spark-max", List.of(Message.of("system", "Be brief."),
                Message.of("user", "你好"), Message.of("assistant", "你好！"), Message.of("user", "天气?")),
                Sampling.none()), MAX);
        assertEquals("app123", frame.path("header").path("app_id").asText());
        assertFalse(frame.path("header").has("uid"));
        assertEquals("generalv3.5", frame.path("parameter").path("chat").path("domain").asText());
        JsonNode text = frame.path("payload").path("message").path("text");
        assertEquals(4, text.size());
        assertEquals("system", text.get(0).path("role").asText());
        assertEquals("Be brief.", text.get(0).path("content").asText());
        assertEquals("天气?", text.get(3).path("content").asText());
        assertFalse(frame.path("payload").has("functions"));
    }

    @Test
    void liteHasNoSystemRoleSoThePromptBecomesAUserTurnTheModelAcknowledges() {
        JsonNode text = frame(request("spark-lite", List.of(Message.of("system", "Be brief."),
                Message.of("developer", "Answer in French."), Message.of("user", "hi")), Sampling.none()), LITE)
                .path("payload").path("message").path("text");
        assertEquals("user", text.get(0).path("role").asText());
        assertEquals("Be brief.\n\nAnswer in French.", text.get(0).path("content").asText());
        assertEquals("assistant", text.get(1).path("role").asText());
        assertEquals(SparkMessages.SYSTEM_ACK, text.get(1).path("content").asText());
        assertEquals("hi", text.get(2).path("content").asText());
    }

    @Test
    void temperatureIsClampedIntoSparksRangeAndMaxTokensToTheModelsMaximum() {
        JsonNode chat = frame(request("spark-max", List.of(Message.of("user", "x")), sampling(1.7, null, 100_000)), MAX)
                .path("parameter").path("chat");
        assertEquals(1.0, chat.path("temperature").asDouble());
        assertEquals(8192, chat.path("max_tokens").asInt());
        JsonNode lite = frame(request("spark-lite", List.of(Message.of("user", "x")), sampling(0.0, 1.0, 5000)), LITE)
                .path("parameter").path("chat");
        assertEquals(SparkParameters.LOWEST_TEMPERATURE, lite.path("temperature").asDouble());
        assertEquals(4096, lite.path("max_tokens").asInt());
        assertFalse(lite.has("top_p"), "top_p 1 is the neutral value and is left out");
    }

    @Test
    void whatSparkCannotDoIsRefusedNamingTheParameter() {
        assertRefused("top_p", request("spark-max", List.of(Message.of("user", "x")), sampling(null, 0.5, null)));
        assertRefused("max_tokens", request("spark-max", List.of(Message.of("user", "x")), sampling(null, null, 0)));
        assertRefused("stop", request("spark-max", List.of(Message.of("user", "x")),
                new Sampling(null, null, null, List.of("END"), null, null, null, null)));
        assertRefused("n", request("spark-max", List.of(Message.of("user", "x")),
                new Sampling(null, null, null, List.of(), null, null, 2, null)));
        assertRefused("presence_penalty", request("spark-max", List.of(Message.of("user", "x")),
                new Sampling(null, null, null, List.of(), 0.5, null, null, null)));
        assertRefused("response_format", withExtras(Map.of("response_format", Map.of("type", "json_object"))));
        assertRefused("logprobs", withExtras(Map.of("logprobs", true)));
        assertRefused("top_k", withExtras(Map.of("top_k", 9)));
        Message image = new Message("user", List.of(new ContentPart.ImageUrl("http://x/a.png", null)), null,
                List.of(), null, null);
        assertRefused("messages", request("spark-max", List.of(image), Sampling.none()));
    }

    @Test
    void sparksOwnTopKChatIdAndTheEndUserArePassed() {
        ChatRequest r = new ChatRequest("spark-max", List.of(Message.of("user", "x")), false, false, Sampling.none(),
                List.of(), null, "user-0123456789-0123456789-0123456789", Map.of("top_k", 2, "chat_id", "s-1", "seed", 7));
        JsonNode frame = frame(r, MAX);
        assertEquals("user-0123456789-0123456789-01234", frame.path("header").path("uid").asText(), "32 characters");
        assertEquals(2, frame.path("parameter").path("chat").path("top_k").asInt());
        assertEquals("s-1", frame.path("parameter").path("chat").path("chat_id").asText());
        assertFalse(frame.path("parameter").path("chat").has("seed"));
    }

    @Test
    void toolsBecomeFunctionsWhereTheModelHasThem() {
        JsonNode functions = frame(withTool("spark-max", null), MAX).path("payload").path("functions").path("text");
        assertEquals(1, functions.size());
        assertEquals("get_weather", functions.get(0).path("name").asText());
        assertEquals("Current weather", functions.get(0).path("description").asText());
        assertEquals("city", functions.get(0).path("parameters").path("required").get(0).asText());
        assertFalse(frame(withTool("spark-max", new ToolChoice("none", null)), MAX).path("payload").has("functions"));
        assertRefused("tools", withTool("spark-lite", null));
        assertRefused("tool_choice", withTool("spark-max", new ToolChoice("required", null)));
        assertRefused("tool_choice", withTool("spark-max", ToolChoice.named("get_weather")));
    }

    /** Spark's WebSocket API has no tool-call history: calls and results are written out as turns. */
    @Test
    void toolHistoryIsFoldedIntoText() {
        Message call = new Message("assistant", List.of(), null, List.of(new ToolCall("call_1", "get_weather",
                "{\"city\":\"Paris\"}")), null, null);
        Message result = new Message("tool", List.of(new ContentPart.Text("18°C, sunny")), null, List.of(), "call_1", null);
        JsonNode text = frame(request("spark-max", List.of(Message.of("user", "Paris?"), call, result), Sampling.none()),
                MAX).path("payload").path("message").path("text");
        assertEquals("assistant", text.get(1).path("role").asText());
        assertEquals("[function call] get_weather {\"city\":\"Paris\"}", text.get(1).path("content").asText());
        assertEquals("user", text.get(2).path("role").asText());
        assertEquals("[function result] get_weather: 18°C, sunny", text.get(2).path("content").asText());
    }

    @Test
    void theBaseUrlRuleAppendsTheModelsPathAndReadsHttpAsWs() {
        var transport = new SparkTestSupport.ScriptedTransport(new SparkTestSupport.ScriptedSession());
        assertEquals("ws://127.0.0.1:9001/v3.5/chat",
                SparkAdapter.endpoint(SparkTestSupport.context("ws://127.0.0.1:9001", transport), MAX).toString());
        assertEquals("wss://proxy.example/spark/chat/max-32k", SparkAdapter.endpoint(SparkTestSupport.context(
                "https://proxy.example/spark/", transport), SparkModel.find("max-32k").orElseThrow()).toString());
        assertEquals("wss://spark-api.xf-yun.com/v1.1/chat",
                SparkAdapter.endpoint(SparkTestSupport.context("", transport), LITE).toString());
    }

    private static ChatRequest withExtras(Map<String, Object> extras) {
        return new ChatRequest("spark-max", List.of(Message.of("user", "x")), false, false, Sampling.none(), List.of(),
                null, null, extras);
    }

    private static ChatRequest withTool(String model, ToolChoice choice) {
        ToolDefinition tool = new ToolDefinition("get_weather", "Current weather", Map.of("type", "object",
                "properties", Map.of("city", Map.of("type", "string")), "required", List.of("city")), null);
        return new ChatRequest(model, ask(model, "Paris").messages(), false, false, Sampling.none(), List.of(tool),
                choice, null, Map.of());
    }

    private static JsonNode frame(ChatRequest request, SparkModel model) {
        return SparkJson.object(SparkCodec.requestFrame(request, model, "app123")).orElseThrow();
    }

    private static void assertRefused(String param, ChatRequest request) {
        SparkModel model = SparkModel.find(request.model()).orElseThrow();
        ProviderException e = assertThrows(ProviderException.class, () -> SparkCodec.requestFrame(request, model, "a"));
        assertEquals(Kind.BAD_REQUEST, e.failure().kind());
        assertTrue(e.failure().message().startsWith("'" + param + "'"), e.failure().message());
    }
}
