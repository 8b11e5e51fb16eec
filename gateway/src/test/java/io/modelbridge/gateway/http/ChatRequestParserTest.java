package io.modelbridge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ContentPart;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatRequestParserTest {
    private final ObjectMapper json = JsonMapper.builder().build();
    private final ChatRequestParser parser = new ChatRequestParser(json);

    private ChatRequest parse(String body) throws Exception {
        return parser.parse(json.readTree(body));
    }

    private GatewayException refused(String body) {
        return assertThrows(GatewayException.class, () -> parse(body));
    }

    @Test
    void keepsUnknownFieldsForPassThrough() throws Exception {
        ChatRequest r = parse("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"logprobs":true,
                 "response_format":{"type":"json_object"},"metadata":null}""");
        assertEquals(true, r.extras().get("logprobs"));
        assertEquals(Map.of("type", "json_object"), r.extras().get("response_format"));
        assertTrue(r.extras().containsKey("metadata"));
        assertTrue(!r.extras().containsKey("model"));
    }

    @Test
    void readsStreamOptionsSamplingToolsAndChineseUser() throws Exception {
        ChatRequest r = parse("""
                {"model":"m","stream":true,"stream_options":{"include_usage":true},"temperature":0.2,
                 "max_tokens":50,"stop":"END","user":"用户一",
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],
                 "tool_choice":{"type":"function","function":{"name":"get_weather"}},
                 "messages":[{"role":"system","content":"be brief"},
                   {"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"data:x"}}]}]}""");
        assertTrue(r.stream() && r.includeUsage());
        assertEquals(0.2, r.sampling().temperature());
        assertEquals(50, r.sampling().maxTokens());
        assertEquals(List.of("END"), r.sampling().stop());
        assertEquals("用户一", r.user());
        assertEquals("get_weather", r.tools().get(0).name());
        assertEquals("get_weather", r.toolChoice().function());
        assertEquals(new ContentPart.ImageUrl("data:x", null), r.messages().get(1).content().get(1));
    }

    @Test
    void namesTheFieldOfEveryMistake() {
        assertEquals("model", refused("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").error().param());
        assertEquals("messages", refused("{\"model\":\"m\"}").error().param());
        assertEquals("messages", refused("{\"model\":\"m\",\"messages\":[]}").error().param());
        assertEquals("messages[0].role", refused("{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}").error().param());
        assertEquals("messages[0].role", refused("{\"model\":\"m\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}").error().param());
        assertEquals("temperature", refused("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":\"hot\"}").error().param());
        assertEquals("temperature", refused("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":3}").error().param());
        assertEquals("model", refused("{\"model\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").error().param());
        assertEquals(400, refused("[1,2]").error().status());
    }
}
