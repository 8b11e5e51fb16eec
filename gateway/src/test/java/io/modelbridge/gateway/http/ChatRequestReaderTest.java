package io.modelbridge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.spi.ChatRequest;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The request body read from its tokens ({@link ChatRequestParser#parse(byte[], java.util.function.Consumer)}) gives
 * what the tree gave ({@link ChatRequestParser#parse(JsonNode)}, which every 400 test covers): the same request, the
 * same refusal (status, type, code, param, message), the same model recorded; and the usual body costs a fraction of
 * the tree's allocation.
 */
class ChatRequestReaderTest {
    private final ObjectMapper json = JsonMapper.builder(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build()).build();
    private final ChatRequestParser parser = new ChatRequestParser(json);

    private static final String USER = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    /** Bodies the token reader reads itself. */
    private static final List<String> USUAL = List.of(
            "{\"model\":\"bench\"," + USER + ",\"max_tokens\":8}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"be \\\"brief\\\"\\n\"},"
                    + "{\"role\":\"user\",\"content\":\"\u4f60\u597d \ud83d\ude00\",\"name\":\"ann\",\"extra\":{\"a\":[1,{}]}},"
                    + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"f\",\"arguments\":{\"x\":1.5e3}}}],\"reasoning_content\":\"r\"},"
                    + "{\"role\":\"tool\",\"content\":\"12C\",\"tool_call_id\":\"c1\"},"
                    + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"image_url\","
                    + "\"image_url\":{\"url\":\"data:x\",\"detail\":\"low\"}},{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AA\"}}]}],"
                    + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"temperature\":0.2,\"top_p\":1,"
                    + "\"presence_penalty\":-2,\"frequency_penalty\":1.5e0,\"max_completion_tokens\":100,\"max_tokens\":7,"
                    + "\"n\":2,\"seed\":12345678901,\"stop\":[\"a\",\"b\",\"c\",\"d\"],\"user\":\"\u7528\u6237\","
                    + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"description\":\"d\","
                    + "\"parameters\":{\"type\":\"object\",\"properties\":{}},\"strict\":true}}],"
                    + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}},"
                    + "\"response_format\":{\"type\":\"json_object\"},\"metadata\":null,\"logprobs\":true,"
                    + "\"logit_bias\":{\"50256\":-100},\"x\":[1,2.5,-3e-7,123456789012345678901234567890,\"s\",false]}",
            "{\"model\":\"m\"," + USER + ",\"stream\":false,\"stream_options\":null,\"temperature\":null,\"tools\":null,"
                    + "\"tool_choice\":\"auto\",\"stop\":\"END\",\"user\":null,\"seed\":-1}",
            "{\"model\":\"m\"," + USER + "} trailing text, which the tree also ignores",
            "{\"model\":\"m\"," + USER + ",\"tool_choice\":{\"function\":{\"name\":7}}}"); // the tree's asText: "7"

    /** Bodies the tree decides: refused ones, and usual ones in an unusual shape. */
    private static final List<String> UNUSUAL = List.of(
            "[1,2]", "\"x\"", "5", "null", "  ", "{", "{\"model\":\"m\"," + USER + ",}", "{\"model\":\"m\"," + USER + "]",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
            "{\"model\":\"m\"}", "{\"model\":null," + USER + "}", "{\"model\":\"m\",\"messages\":null}",
            "{\"model\":\"m\",\"messages\":[]}", "{\"model\":\"m\",\"messages\":{}}", "{\"model\":\"m\",\"messages\":[1]}",
            "{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":5,\"content\":\"x\"}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":5}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"no type\"}]}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[5]}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"name\":7}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"role\":\"system\"}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":{}}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"function\":{}}]}]}",
            "{\"model\":5," + USER + "}", "{\"model\":\"a\",\"model\":\"b\"," + USER + "}",
            "{\"model\":\"m\"," + USER + ",\"x\":1,\"x\":2}",
            "{\"model\":\"m\"," + USER + ",\"stream\":\"yes\"}",
            "{\"model\":\"m\"," + USER + ",\"stream_options\":{\"include_usage\":true}}",
            "{\"model\":\"m\"," + USER + ",\"stream\":true,\"stream_options\":{\"include_usage\":1}}",
            "{\"model\":\"m\"," + USER + ",\"stream\":true,\"stream_options\":5,\"stop\":null,\"n\":null}",
            "{\"model\":\"m\"," + USER + ",\"temperature\":\"hot\"}", "{\"model\":\"m\"," + USER + ",\"temperature\":3}",
            "{\"model\":\"m\"," + USER + ",\"top_p\":1.01}", "{\"model\":\"m\"," + USER + ",\"presence_penalty\":-2.5}",
            "{\"model\":\"m\"," + USER + ",\"max_tokens\":0}", "{\"model\":\"m\"," + USER + ",\"max_tokens\":1.5}",
            "{\"model\":\"m\"," + USER + ",\"max_tokens\":4294967296}", "{\"model\":\"m\"," + USER + ",\"max_tokens\":\"8\"}",
            "{\"model\":\"m\"," + USER + ",\"max_completion_tokens\":5,\"max_tokens\":-1}",
            "{\"model\":\"m\"," + USER + ",\"n\":0}", "{\"model\":\"m\"," + USER + ",\"seed\":1.5}",
            "{\"model\":\"m\"," + USER + ",\"seed\":12345678901234567890123}",
            "{\"model\":\"m\"," + USER + ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}",
            "{\"model\":\"m\"," + USER + ",\"stop\":[1]}", "{\"model\":\"m\"," + USER + ",\"stop\":5}",
            "{\"model\":\"m\"," + USER + ",\"tools\":{}}", "{\"model\":\"m\"," + USER + ",\"tools\":[5]}",
            "{\"model\":\"m\"," + USER + ",\"tools\":[{\"function\":{\"description\":\"no name\"}}]}",
            "{\"model\":\"m\"," + USER + ",\"tool_choice\":5}", "{\"model\":\"m\"," + USER + ",\"tool_choice\":{}}",
            "{\"model\":\"m\"," + USER + ",\"user\":{}}",
            "{\"model\":\"m\",\"temperature\":9,\"messages\":[{\"role\":\"robot\"}],\"max_tokens\":0}",
            "{\"model\":\"m\"," + USER + ",\"deep\":" + "[".repeat(3000) + "]".repeat(3000) + "}");

    private record Outcome(String model, ChatRequest request, ApiError refusal) {}

    private Outcome fromTokens(String body) {
        String[] named = {"(not named)"};
        try {
            ChatRequest request = parser.parse(body.getBytes(StandardCharsets.UTF_8), model -> named[0] = model);
            return new Outcome(named[0], request, null);
        } catch (GatewayException e) {
            return new Outcome(named[0], null, e.error());
        }
    }

    /** What the pipeline did before: the tree, its model, then the tree's parse. */
    private Outcome fromTree(String body) {
        String named = "(not named)";
        try {
            JsonNode tree = RequestBodies.parse(body.getBytes(StandardCharsets.UTF_8), json);
            named = ClientModel.of(tree);
            return new Outcome(named, parser.parse(tree), null);
        } catch (GatewayException e) {
            return new Outcome(named, null, e.error());
        }
    }

    @Test
    void everyBodyGivesWhatTheTreeGave() {
        List<String> all = new ArrayList<>(USUAL);
        all.addAll(UNUSUAL);
        int refused = 0;
        for (String body : all) {
            Outcome tree = fromTree(body);
            assertEquals(tree, fromTokens(body), body);
            refused += tree.refusal() == null ? 0 : 1;
        }
        assertTrue(refused > 40, "the corpus refuses " + refused);
    }

    @Test
    void theUsualBodiesAreReadFromTheirTokensAndTheOthersByTheTree() {
        ChatRequestReader reader = new ChatRequestReader(json, parser, new MessageParser(new JsonFields(json)));
        for (String body : USUAL) {
            assertNotNull(reader.read(body.getBytes(StandardCharsets.UTF_8)), body);
        }
        for (String body : UNUSUAL) {
            assertNull(reader.read(body.getBytes(StandardCharsets.UTF_8)), body);
        }
    }

    /** Warm, for the benchmark's body: the tree cost an ObjectNode and its map per object, a node per value. */
    @Test
    void theUsualBodyIsReadWithoutATree() {
        byte[] body = USUAL.getFirst().getBytes(StandardCharsets.UTF_8);
        long tokens = bytesPerRequest(() -> parser.parse(body, model -> { }));
        long tree = bytesPerRequest(() -> parser.parse(RequestBodies.parse(body, json)));
        System.out.printf("bytes allocated per request read: tokens %d, tree %d%n", tokens, tree);
        assertTrue(tokens < tree * 0.7, "tokens " + tokens + " bytes per request, tree " + tree);
    }

    private static long bytesPerRequest(java.util.function.Supplier<ChatRequest> read) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += read.get().messages().size();
        }
        int rounds = 10_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < rounds; i++) {
            sink += read.get().messages().size();
        }
        assertTrue(sink > 0);
        return (threads.getCurrentThreadAllocatedBytes() - before) / rounds;
    }
}
