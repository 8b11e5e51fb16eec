package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official Anthropic TypeScript SDK ({@code @anthropic-ai/sdk}, unmodified) against the gateway, behind each
 * vendor's simulator and DeepSeek's reasoner: create, stream, a tool-use round trip, count_tokens, an error. Needs
 * Node; the SDK is installed with npm into {@code target/anthropic-sdk} (or taken from
 * {@code -Dmb.test.anthropicSdk=<dir with node_modules>}). Skipped, saying why, when node is absent or the SDK cannot
 * be installed (offline).
 */
@Tag("it")
@Timeout(300)
class AnthropicSdkIT {
    static final String SDK_VERSION = "1.17.0";

    @RegisterExtension
    static final NodeClientExtension CLIENT = new NodeClientExtension("the Anthropic TypeScript SDK", "sdk-user",
            AnthropicSdkIT::installedSdk);

    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen", "glm", "ernie", "spark", "reasoner"})
    void theOfficialSdkWorksUnmodified(String model) throws Exception {
        NodePackages.Run run = NodePackages.run(List.of("node", "drive.mjs"), CLIENT.packages(),
                CLIENT.gateway().driverEnvironment(model), 120);
        assertEquals(0, run.exit(), run.output());
        JsonNode out = ApiCalls.json(run.lastLine());

        JsonNode create = out.get("create");
        assertTrue(create.get("id").asText().startsWith("msg_"), create.toString());
        assertEquals(model, create.get("model").asText());
        assertEquals("end_turn", create.get("stop_reason").asText());
        assertTrue(create.at("/content/0/text").asText().contains("hello from the sdk"), create.toString());

        JsonNode stream = out.get("stream");
        assertTrue(stream.get("text").asText().contains("stream to me please"), stream.toString());
        assertEquals(stream.get("text").asText(), stream.at("/final/content/0/text").asText());
        assertEquals("end_turn", stream.at("/final/stop_reason").asText());
        assertTrue(stream.at("/final/usage/output_tokens").asInt() > 0, stream.toString());

        JsonNode tools = out.get("tools");
        assertEquals("tool_use", tools.at("/toolUse/stop_reason").asText(), tools.toString());
        assertEquals("end_turn", tools.at("/answered/stop_reason").asText(), tools.toString());

        assertTrue(out.at("/countTokens/input_tokens").asInt() > 0, out.get("countTokens").toString());

        JsonNode error = out.get("error");
        assertEquals("AuthenticationError", error.get("class").asText(), error.toString());
        assertEquals(401, error.get("status").asInt());
        assertEquals("authentication_error", error.get("type").asText());
    }

    /** A directory with the SDK in node_modules and the driving script. */
    private static Path installedSdk() throws Exception {
        return NodePackages.installed("anthropic-sdk", "mb.test.anthropicSdk", "@anthropic-ai/sdk",
                List.of("@anthropic-ai/sdk@" + SDK_VERSION), "anthropic-sdk/drive.mjs");
    }
}
