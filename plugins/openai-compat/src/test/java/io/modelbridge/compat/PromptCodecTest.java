package io.modelbridge.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.PromptRequest;
import io.modelbridge.spi.PromptResponse;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.Usage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The legacy completion's wire form: the request body, the text_completion answer and its stream. */
class PromptCodecTest {

    @Test
    void theBodyCarriesPromptSuffixSamplingAndUntouchedExtras() {
        PromptRequest request = new PromptRequest("deepseek-chat", "def f(", "\n    return x", true, true,
                new Sampling(0.2, null, 64, List.of("\n\n"), null, null, null, null), "u-1",
                Map.of("echo", false, "logprobs", 2));
        JsonNode body = OpenAiJson.parse(PromptCodec.request(request, true)).orElseThrow();
        assertEquals("deepseek-chat", body.get("model").asText());
        assertEquals("def f(", body.get("prompt").asText());
        assertEquals("\n    return x", body.get("suffix").asText());
        assertEquals(64, body.get("max_tokens").asInt());
        assertEquals(0.2, body.get("temperature").asDouble());
        assertEquals("\n\n", body.at("/stop/0").asText());
        assertEquals(true, body.at("/stream_options/include_usage").asBoolean());
        assertEquals(2, body.get("logprobs").asInt());
        assertEquals("u-1", body.get("user").asText());
        assertFalse(body.has("messages"));

        JsonNode plain = OpenAiJson.parse(PromptCodec.request(request.withMaxTokens(8), false)).orElseThrow();
        assertFalse(plain.has("stream"));
        assertEquals(8, plain.get("max_tokens").asInt());
    }

    @Test
    void theAnswerKeepsTextLogprobsFinishAndUsage() {
        PromptResponse response = PromptCodec.response("""
                {"id":"cmpl-1","object":"text_completion","created":1,"model":"m","choices":[
                 {"text":" world","index":0,"logprobs":{"tokens":[" world"],"token_logprobs":[-0.5]},"finish_reason":"length"}],
                 "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""", FinishReason::fromWire);
        PromptResponse.Choice choice = response.choices().getFirst();
        assertEquals(" world", choice.text());
        assertEquals(FinishReason.LENGTH, choice.finishReason());
        assertEquals(Map.of("tokens", List.of(" world"), "token_logprobs", List.of(-0.5)), choice.logprobs());
        assertEquals(Usage.of(1, 1), response.usage());
        assertNull(PromptCodec.response("{\"choices\":[{\"text\":\"x\",\"logprobs\":null}]}", FinishReason::fromWire)
                .choices().getFirst().logprobs());
        assertThrows(ProviderException.class, () -> PromptCodec.response("{\"choices\":[]}", FinishReason::fromWire));
        assertThrows(ProviderException.class, () -> PromptCodec.response("<html>", FinishReason::fromWire));
    }

    @Test
    void theStreamParserReadsATextCompletionsChoiceText() {
        String stream = """
                data: {"id":"c","object":"text_completion","choices":[{"text":"Hel","index":0,"logprobs":null,"finish_reason":null}]}

                data: {"id":"c","object":"text_completion","choices":[{"text":"lo","index":0,"logprobs":null,"finish_reason":null}]}

                data: {"id":"c","object":"text_completion","choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"stop"}]}

                data: {"id":"c","object":"text_completion","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}

                data: [DONE]

                """;
        List<ChatChunk> chunks = new ArrayList<>();
        new OpenAiStreamParser("sk-x", chunks::add).parse(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(new ChatChunk.TextDelta(0, "Hel"), new ChatChunk.TextDelta(0, "lo"),
                new ChatChunk.Finish(0, FinishReason.STOP), new ChatChunk.UsageReport(Usage.of(3, 2))), chunks);
    }
}
