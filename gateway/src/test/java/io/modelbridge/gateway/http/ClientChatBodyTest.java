package io.modelbridge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which bodies go upstream as the client sent them (model replaced), byte for byte, and which fall back to the
 * plugin's writer because it would send something else.
 */
class ClientChatBodyTest {
    private final ChatRequestParser parser = new ChatRequestParser(new ObjectMapper());

    private ClientChatBody body(String json) {
        return parser.read(json.getBytes(StandardCharsets.UTF_8), model -> { }).body();
    }

    private String upstream(String json, String model) {
        ClientChatBody body = body(json);
        assertNotNull(body, json);
        return new String(body.withModel(model), StandardCharsets.UTF_8);
    }

    @Test
    void onlyTheModelIsReplacedKeyOrderNumbersUnknownFieldsAndSpacingStay() {
        String client = "{ \"temperature\":1.0, \"messages\":[{\"content\":\"hi \\u00e9\",\"role\":\"user\",\"name\":\"al\"}],"
                + "\"model\" : \"my-alias\",\"top_p\":1e-1,\"x_vendor\":{\"a\":[1e2,1.50,null]},\"max_tokens\":64,"
                + "\"stop\":\"END\",\"stream\":false,\"tool_choice\":\"none\",\"user\":\"u1\",\"seed\":7,\"n\":1 }";
        assertEquals(client.replace("\"my-alias\"", "\"gpt-4o\""), upstream(client, "gpt-4o"));
        assertEquals("max_tokens", body(client).tokenField());
    }

    @Test
    void theUpstreamModelIsWrittenAsAJsonString() {
        String client = "{\"model\":\"a\\\"b\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        assertEquals("{\"model\":\"m\\\"ödel\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                upstream(client, "m\"ödel"));
    }

    @Test
    void aStreamThatDidNotAskForUsageGetsItAsTheWriterAddsIt() {
        String client = "{\"model\":\"a\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        assertEquals("{\"stream_options\":{\"include_usage\":true},\"model\":\"b\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", upstream(client, "b"));
        String asked = "{\"model\":\"a\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        assertEquals(asked.replace("\"a\"", "\"b\""), upstream(asked, "b"));
    }

    @Test
    void theTokenFieldIsTheClients() {
        assertEquals("max_completion_tokens", body("{\"model\":\"a\",\"max_completion_tokens\":5,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").tokenField());
        assertNull(body("{\"model\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").tokenField());
    }

    @Test
    void whatTheWriterRewritesOrDropsFallsBackToTheWriter() {
        String msg = "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";
        for (String client : List.of(
                "{\"model\":\"a\",\"temperature\":null," + msg + "}",
                "{\"model\":\"a\",\"user\":null," + msg + "}",
                "{\"model\":\"a\",\"stream\":null," + msg + "}",
                "{\"model\":\"a\",\"max_tokens\":5,\"max_completion_tokens\":6," + msg + "}",
                "{\"model\":\"a\",\"stream\":true,\"stream_options\":{\"include_usage\":false}," + msg + "}",
                "{\"model\":\"a\",\"stream\":true,\"stream_options\":{\"include_usage\":true,\"x\":1}," + msg + "}",
                "{\"model\":\"a\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]," + msg + "}",
                "{\"model\":\"a\",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}," + msg + "}",
                "{\"model\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"x\"}]}]}",
                "{\"model\":\"a\",\"messages\":[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                        + "{\"role\":\"tool\",\"tool_call_id\":\"c\",\"content\":\"1\"}]}",
                "{\"model\":\"a\",\"messages\":[{\"role\":\"assistant\",\"content\":\"x\",\"reasoning_content\":\"r\"}]}",
                "{\"model\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"cache_control\":{}}]}",
                "{\"model\":\"a\",\"model\":\"b\"," + msg + "}")) {
            assertNull(body(client), client);
        }
    }
}
