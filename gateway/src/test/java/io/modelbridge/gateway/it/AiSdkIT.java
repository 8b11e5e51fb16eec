package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Vercel AI SDK ({@code ai} with {@code @ai-sdk/openai} and {@code @ai-sdk/openai-compatible}, unmodified) against
 * the gateway, behind each of the six vendors' simulators, in the SDK's three ways to an OpenAI-style endpoint: chat
 * completions, the Responses API, and the openai-compatible provider. The SDK checks every answer and event against
 * its own schemas, so a field of the wrong type or a tool call without its id fails here. Per vendor and way: a whole
 * answer, a stream, and a two-step tool round trip whole and streamed (the SDK runs the tool and sends its result).
 * Needs Node; the packages are installed with npm into {@code target/ai-sdk} (or taken from {@code -Dmb.test.aiSdk=
 * <dir with node_modules>}). Skipped, saying why, when node is absent or npm cannot install them (offline).
 */
@Tag("it")
@Timeout(300)
class AiSdkIT {
    static final List<String> PACKAGES = List.of("ai@5.0.277", "@ai-sdk/openai@2.0.131",
            "@ai-sdk/openai-compatible@1.0.61", "zod@3.25.76");

    @RegisterExtension
    static final NodeClientExtension CLIENT = new NodeClientExtension("the Vercel AI SDK", "ai-sdk-user",
            () -> NodePackages.installed("ai-sdk", "mb.test.aiSdk", "@ai-sdk/openai-compatible", PACKAGES,
                    "ai-sdk/drive.mjs"));

    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen", "glm", "ernie", "spark"})
    void theAiSdkWorksUnmodifiedInEachOfItsWays(String model) throws Exception {
        NodePackages.Run run = NodePackages.run(List.of("node", "drive.mjs"), CLIENT.packages(),
                CLIENT.gateway().driverEnvironment(model), 180);
        assertEquals(0, run.exit(), run.output());
        JsonNode out = ApiCalls.json(run.lastLine());
        for (String way : List.of("chat", "responses", "compatible")) {
            JsonNode calls = out.get(way);
            String where = model + " through " + way + ": ";

            JsonNode whole = calls.get("whole");
            assertTrue(whole.path("text").asText().contains("hello from the ai sdk"), where + whole);
            assertEquals("stop", whole.path("finish").asText(), where + whole);
            assertTrue(whole.at("/usage/inputTokens").asInt() > 0, where + whole);
            assertTrue(whole.at("/usage/outputTokens").asInt() > 0, where + whole);

            JsonNode stream = calls.get("stream");
            assertTrue(stream.path("text").asText().contains("stream to me please"), where + stream);
            assertEquals("stop", stream.path("finish").asText(), where + stream);
            assertTrue(stream.at("/usage/outputTokens").asInt() > 0, where + "the stream's usage: " + stream);

            for (String tools : List.of("tools", "streamedTools")) {
                JsonNode steps = calls.at("/" + tools + "/steps");
                assertEquals(2, steps.size(), where + tools + ": " + calls.get(tools));
                JsonNode call = steps.get(0);
                assertEquals("tool-calls", call.path("finish").asText(), where + tools + ": " + call);
                assertEquals("get_weather", call.at("/calls/0/name").asText(), where + tools + ": " + call);
                assertEquals("Paris", call.at("/calls/0/input/city").asText(), where + tools + ": " + call);
                assertEquals("18 degrees in Paris", call.at("/results/0").asText(), where + tools + ": " + call);
                JsonNode answer = steps.get(1);
                assertEquals("stop", answer.path("finish").asText(), where + tools + ": " + answer);
                assertFalse(answer.path("text").asText().isEmpty(), where + tools + ": " + answer);
            }
        }
        assertEquals(401, out.at("/wrongKey/status").asInt(), out.path("wrongKey").toString());
    }
}
