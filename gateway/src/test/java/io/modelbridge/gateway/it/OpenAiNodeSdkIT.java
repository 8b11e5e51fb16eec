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
 * The official OpenAI Node SDK ({@code openai}, unmodified; the portal's Node.js snippet) against the gateway, behind
 * each vendor's simulator and DeepSeek's reasoner. Its stream helpers rebuild the final object from the events, so an
 * event out of order or missing (a content part, a tool call's id) fails here: chat whole, streamed and with tools,
 * the runTools loop, the Responses API whole and streamed with a tool, and a wrong key. Needs Node; the SDK is
 * installed with npm into {@code target/openai-node} (or taken from {@code -Dmb.test.openaiNode=<dir with
 * node_modules>}). Skipped, saying why, when node is absent or npm cannot install it (offline).
 */
@Tag("it")
@Timeout(300)
class OpenAiNodeSdkIT {
    static final String SDK_VERSION = "6.49.0";

    @RegisterExtension
    static final NodeClientExtension CLIENT = new NodeClientExtension("the OpenAI Node SDK", "node-user",
            () -> NodePackages.installed("openai-node", "mb.test.openaiNode", "openai",
                    List.of("openai@" + SDK_VERSION), "openai-node/drive.mjs"));

    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen", "glm", "ernie", "spark", "reasoner"})
    void theOfficialSdkAndItsStreamHelpersWorkUnmodified(String model) throws Exception {
        NodePackages.Run run = NodePackages.run(List.of("node", "drive.mjs"), CLIENT.packages(),
                CLIENT.gateway().driverEnvironment(model), 120);
        assertEquals(0, run.exit(), run.output());
        JsonNode out = ApiCalls.json(run.lastLine());
        String where = model + ": ";

        JsonNode create = out.get("create");
        assertTrue(create.path("text").asText().contains("hello from node"), where + create);
        assertEquals("stop", create.path("finish").asText(), where + create);
        assertTrue(create.at("/usage/prompt_tokens").asInt() > 0, where + create);

        JsonNode stream = out.get("stream");
        assertTrue(stream.path("text").asText().contains("stream to me please"), where + stream);
        assertEquals("stop", stream.path("finish").asText(), where + stream);
        assertTrue(stream.at("/usage/completion_tokens").asInt() > 0, where + stream);

        JsonNode tools = out.get("streamedTools");
        assertEquals("tool_calls", tools.path("finish").asText(), where + tools);
        assertFalse(tools.path("id").asText().isEmpty(), where + tools);
        assertEquals("get_weather", tools.path("name").asText(), where + tools);
        assertEquals("Paris", ApiCalls.json(tools.path("arguments").asText()).path("city").asText(), where + tools);

        JsonNode runTools = out.get("runTools");
        assertEquals(2, runTools.path("completions").asInt(), where + "the call, then the answer: " + runTools);
        assertFalse(runTools.path("content").asText().isEmpty(), where + runTools);

        JsonNode responses = out.get("responses");
        assertEquals("completed", responses.path("status").asText(), where + responses);
        assertTrue(responses.path("text").asText().contains("hello from node"), where + responses);

        JsonNode responsesStream = out.get("responsesStream");
        assertEquals("completed", responsesStream.path("status").asText(), where + responsesStream);
        assertTrue(responsesStream.path("types").toString().contains("function_call"), where + responsesStream);
        if (model.equals("reasoner")) {
            assertEquals("reasoning", responsesStream.at("/types/0").asText(), where + responsesStream);
            assertFalse(responsesStream.path("reasoning").asText().isEmpty(), where + responsesStream);
        }

        assertEquals(401, out.at("/wrongKey/status").asInt(), out.path("wrongKey").toString());
        assertEquals("AuthenticationError", out.at("/wrongKey/error").asText(), out.path("wrongKey").toString());
    }
}
