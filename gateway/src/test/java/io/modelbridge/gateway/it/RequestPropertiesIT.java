package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.RunningGateway.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of the chat endpoint over generated requests: valid ones with a field replaced by an arbitrary JSON
 * value, and arbitrary JSON documents. Whatever the request, the gateway never answers 5xx, and every refusal is
 * in OpenAI's error shape.
 */
class RequestPropertiesIT {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> FIELDS = List.of("model", "messages", "stream", "temperature", "top_p",
            "max_tokens", "n", "stop", "tools", "tool_choice", "user", "stream_options", "response_format", "seed");
    private static Path dataDir;
    private static OpenAiSimulator upstream;
    private static RunningGateway gateway;
    private static String key;

    @BeforeContainer
    static void start() throws IOException {
        dataDir = Files.createTempDirectory("mb-properties");
        upstream = OpenAiSimulator.start();
        gateway = RunningGateway.start(dataDir);
        var channel = JSON.createObjectNode().put("name", "sim").put("provider", "openai")
                .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
        channel.putArray("models").add("gpt-4o");
        gateway.admin("POST", "/channels", channel);
        key = gateway.userWithKey("quickcheck");
    }

    @AfterContainer
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Property(tries = 300)
    void aValidRequestWithOneFieldReplacedIsServedOrRefusedCleanly(@ForAll("fieldNames") String field,
                                                                   @ForAll("jsonValues") JsonNode value) {
        ObjectNode request = validRequest();
        request.set(field, value);
        assertServedOrRefused(request.toString());
    }

    @Property(tries = 200)
    void aMessageWithArbitraryPartsIsServedOrRefusedCleanly(@ForAll("jsonValues") JsonNode role,
                                                            @ForAll("jsonValues") JsonNode content) {
        ObjectNode request = validRequest();
        ObjectNode message = ((ArrayNode) request.get("messages")).addObject();
        message.set("role", role);
        message.set("content", content);
        assertServedOrRefused(request.toString());
    }

    @Property(tries = 200)
    void anyJsonDocumentIsServedOrRefusedCleanly(@ForAll("jsonValues") JsonNode document) {
        assertServedOrRefused(document.toString());
    }

    private static void assertServedOrRefused(String body) {
        RawHttp.Reply reply = RawHttp.post(gateway.api(), "/v1/chat/completions", key, body.getBytes(StandardCharsets.UTF_8));
        if (reply.status() == 200) {
            return;
        }
        HostileInputIT.assertClientError(reply, body.length() > 300 ? body.substring(0, 300) + "..." : body);
    }

    private static ObjectNode validRequest() {
        ObjectNode request = JSON.createObjectNode().put("model", "gpt-4o");
        request.putArray("messages").addObject().put("role", "user").put("content", "hello");
        return request;
    }

    @Provide
    Arbitrary<String> fieldNames() {
        return Arbitraries.oneOf(Arbitraries.of(FIELDS), Arbitraries.strings().ofMaxLength(12));
    }

    @Provide
    Arbitrary<JsonNode> jsonValues() {
        return json(3);
    }

    private static Arbitrary<JsonNode> json(int depth) {
        Arbitrary<JsonNode> scalars = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40).map(s -> (JsonNode) NODES.textNode(s)),
                Arbitraries.of("user", "assistant", "system", "tool", "gpt-4o", "").map(s -> (JsonNode) NODES.textNode(s)),
                Arbitraries.integers().map(i -> (JsonNode) NODES.numberNode(i)),
                Arbitraries.doubles().map(d -> (JsonNode) NODES.numberNode(d)),
                Arbitraries.of(true, false).map(b -> (JsonNode) NODES.booleanNode(b)),
                Arbitraries.just((JsonNode) NODES.nullNode()));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<JsonNode> arrays = json(depth - 1).list().ofMaxSize(4).map(items -> {
            ArrayNode array = NODES.arrayNode();
            items.forEach(array::add);
            return array;
        });
        Arbitrary<JsonNode> objects = Combinators.combine(
                Arbitraries.oneOf(Arbitraries.of(FIELDS), Arbitraries.of("role", "content", "type", "function",
                        "name", "arguments", "include_usage"), Arbitraries.strings().ofMaxLength(8)).list().ofMaxSize(4),
                json(depth - 1).list().ofSize(4)).as((names, values) -> {
                    ObjectNode object = NODES.objectNode();
                    for (int i = 0; i < names.size(); i++) {
                        object.set(names.get(i), values.get(i));
                    }
                    return object;
                });
        return Arbitraries.frequencyOf(Tuple.of(4, scalars), Tuple.of(2, arrays), Tuple.of(2, objects));
    }
}
