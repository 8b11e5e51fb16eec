package io.modelbridge.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.EmbeddingRequest;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.ToolChoice;
import io.modelbridge.spi.ToolDefinition;
import io.modelbridge.spi.Usage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenAiCodecTest {

    @Test
    void extrasPassThroughUntouchedButNeverOverrideModeledFields() {
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("response_format", Map.of("type", "json_schema", "json_schema", Map.of("name", "x", "strict", true)));
        extras.put("reasoning_effort", "low");
        extras.put("logit_bias", Map.of("50256", -100));
        extras.put("metadata", null);
        extras.put("model", "smuggled");
        JsonNode body = json(OpenAiCodec.chatRequest(request(List.of(Message.of("user", "hi")), extras), false, null));
        assertEquals("json_schema", body.at("/response_format/type").asText());
        assertTrue(body.at("/response_format/json_schema/strict").asBoolean());
        assertEquals("low", body.path("reasoning_effort").asText());
        assertEquals(-100, body.at("/logit_bias/50256").asInt());
        assertTrue(body.has("metadata") && body.get("metadata").isNull());
        assertEquals("gpt-4o", body.path("model").asText());
    }

    @Test
    void samplingFieldsAppearOnlyWhenSet() {
        JsonNode none = json(OpenAiCodec.chatRequest(request(List.of(Message.of("user", "hi")), Map.of()), false, null));
        for (String field : List.of("temperature", "top_p", "max_tokens", "stop", "n", "seed", "stream", "user",
                "tools", "tool_choice", "presence_penalty", "frequency_penalty")) {
            assertFalse(none.has(field), field);
        }
        Sampling sampling = new Sampling(0.2, 0.9, 64, List.of("END"), 0.5, -0.5, 2, 7L);
        ChatRequest set = new ChatRequest("gpt-4o", List.of(Message.of("user", "hi")), false, false, sampling,
                List.of(), null, "user-1", Map.of());
        JsonNode body = json(OpenAiCodec.chatRequest(set, false, null));
        assertEquals(0.2, body.path("temperature").asDouble());
        assertEquals(64, body.path("max_tokens").asInt());
        assertEquals("END", body.at("/stop/0").asText());
        assertEquals(7, body.path("seed").asLong());
        assertEquals("user-1", body.path("user").asText());
        JsonNode reasoning = json(OpenAiCodec.chatRequest(set.withModel("o3-mini"), false, null));
        assertEquals(64, reasoning.path("max_completion_tokens").asInt());
        assertFalse(reasoning.has("max_tokens"));
        assertEquals(64, json(OpenAiCodec.chatRequest(set, false, "max_completion_tokens")).path("max_completion_tokens").asInt());
    }

    @Test
    void streamAlwaysAsksForUsage() {
        JsonNode body = json(OpenAiCodec.chatRequest(request(List.of(Message.of("user", "hi")), Map.of()), true, null));
        assertTrue(body.path("stream").asBoolean());
        assertTrue(body.at("/stream_options/include_usage").asBoolean());
    }

    @Test
    void singleTextPartIsAStringAndMixedContentIsAPartsArray() {
        Message mixed = new Message("user", List.of(new ContentPart.Text("what is this?"),
                new ContentPart.ImageUrl("data:image/png;base64,AAAA", "low"),
                new ContentPart.Other("input_audio", Map.of("type", "input_audio",
                        "input_audio", Map.of("data", "UklG", "format", "wav")))), "alice", List.of(), null, null);
        JsonNode messages = json(OpenAiCodec.chatRequest(request(List.of(Message.of("system", "be brief"), mixed),
                Map.of()), false, null)).path("messages");
        assertEquals("be brief", messages.at("/0/content").asText());
        JsonNode parts = messages.at("/1/content");
        assertEquals("text", parts.at("/0/type").asText());
        assertEquals("data:image/png;base64,AAAA", parts.at("/1/image_url/url").asText());
        assertEquals("low", parts.at("/1/image_url/detail").asText());
        assertEquals("wav", parts.at("/2/input_audio/format").asText());
        assertEquals("alice", messages.at("/1/name").asText());
    }

    @Test
    void toolCallsToolResultsAndToolsAreWrittenAsOpenAiShapesThem() {
        Message call = new Message("assistant", List.of(), null,
                List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")), null, "thinking...");
        Message result = new Message("tool", List.of(new ContentPart.Text("18C")), null, List.of(), "call_1", null);
        ToolDefinition tool = new ToolDefinition("get_weather", "weather", Map.of("type", "object"), true);
        ChatRequest req = new ChatRequest("gpt-4o", List.of(Message.of("user", "weather?"), call, result), false,
                false, Sampling.none(), List.of(tool), ToolChoice.named("get_weather"), null, Map.of());
        JsonNode body = json(OpenAiCodec.chatRequest(req, false, null));
        JsonNode assistant = body.at("/messages/1");
        assertTrue(assistant.get("content").isNull());
        assertFalse(assistant.has("reasoning_content"), "DeepSeek refuses reasoning_content in input messages");
        assertEquals("function", assistant.at("/tool_calls/0/type").asText());
        assertEquals("{\"city\":\"Paris\"}", assistant.at("/tool_calls/0/function/arguments").asText());
        assertEquals("call_1", body.at("/messages/2/tool_call_id").asText());
        assertEquals("object", body.at("/tools/0/function/parameters/type").asText());
        assertTrue(body.at("/tools/0/function/strict").asBoolean());
        assertEquals("get_weather", body.at("/tool_choice/function/name").asText());
        ChatRequest auto = new ChatRequest("gpt-4o", List.of(Message.of("user", "x")), false, false, Sampling.none(),
                List.of(tool), new ToolChoice("required", null), null, Map.of());
        assertEquals("required", json(OpenAiCodec.chatRequest(auto, false, null)).path("tool_choice").asText());
    }

    @Test
    void chineseTextSurvivesBothWays() {
        String text = "你好，世界！请用中文回答。😀";
        String body = OpenAiCodec.chatRequest(request(List.of(Message.of("user", text)), Map.of()), false, null);
        assertEquals(text, json(body).at("/messages/0/content").asText());
        ChatResponse response = OpenAiResponses.chat("""
                {"id":"c1","choices":[{"index":0,"message":{"role":"assistant","content":"%s"},
                "finish_reason":"stop"}]}""".formatted(text));
        assertEquals(text, response.choices().getFirst().message().text());
    }

    @Test
    void responseCarriesReasoningToolCallsFinishAndUsage() {
        ChatResponse response = OpenAiResponses.chat("""
                {"id":"chatcmpl-9","object":"chat.completion","choices":[{"index":0,
                 "message":{"role":"assistant","content":null,"reasoning_content":"Let me think",
                  "tool_calls":[{"id":"call_9","type":"function","function":{"name":"f","arguments":"{}"}}]},
                 "finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12,
                  "prompt_tokens_details":{"cached_tokens":0}}}""");
        assertEquals("chatcmpl-9", response.upstreamId());
        ChatResponse.Choice choice = response.choices().getFirst();
        assertEquals(FinishReason.TOOL_CALLS, choice.finishReason());
        assertEquals(List.of(), choice.message().content());
        assertEquals("Let me think", choice.message().reasoningContent());
        assertEquals(new ToolCall("call_9", "f", "{}"), choice.message().toolCalls().getFirst());
        assertEquals(new Usage(9, 3, 12, 0, null), response.usage());
        assertNull(OpenAiResponses.chat("{\"choices\":[{\"message\":{\"content\":\"x\"},\"finish_reason\":\"length\"}]}")
                .usage());
    }

    @Test
    void embeddingsAreReadAsFloatsOrBase64InIndexOrder() {
        var floats = OpenAiResponses.embeddings("""
                {"data":[{"index":1,"embedding":[0.5,0.25]},{"index":0,"embedding":[1.0,-1.0]}],
                 "usage":{"prompt_tokens":4,"total_tokens":4}}""");
        assertEquals(-1.0f, floats.vectors().getFirst()[1]);
        assertEquals(0.25f, floats.vectors().get(1)[1]);
        assertEquals(4, floats.usage().promptTokens());
        var base64 = OpenAiResponses.embeddings("{\"data\":[{\"index\":0,\"embedding\":\"AACAPwAAAMA=\"}]}");
        assertEquals(1.0f, base64.vectors().getFirst()[0]);
        assertEquals(-2.0f, base64.vectors().getFirst()[1]);
        JsonNode body = json(OpenAiCodec.embeddingRequest(new EmbeddingRequest("text-embedding-3-small",
                List.of("a", "b"), 256, null, Map.of("encoding_format", "base64"))));
        assertEquals("float", body.path("encoding_format").asText());
        assertEquals(256, body.path("dimensions").asInt());
        assertEquals("b", body.at("/input/1").asText());
    }

    private static ChatRequest request(List<Message> messages, Map<String, Object> extras) {
        return new ChatRequest("gpt-4o", messages, false, false, Sampling.none(), List.of(), null, null, extras);
    }

    private static JsonNode json(String text) {
        return OpenAiJson.parse(text).orElseThrow();
    }
}
