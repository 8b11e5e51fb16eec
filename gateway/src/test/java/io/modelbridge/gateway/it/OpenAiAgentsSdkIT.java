package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OpenAI Agents SDK ({@code @openai/agents}, unmodified) against the gateway, behind each vendor's simulator and
 * DeepSeek's reasoner: an agent whose function tool the SDK declares strict calls it and answers, through the
 * Responses API and through chat completions, whole and streamed, and continues by its history and by
 * previousResponseId. Version 0.8.0, the last on the OpenAI Node SDK 6 (later ones need Node 22). Needs Node;
 * installed with npm into {@code target/openai-agents} (or taken from {@code -Dmb.test.openaiAgents=<dir with
 * node_modules>}). Skipped, saying why, when node is absent or npm cannot install it (offline).
 */
@Tag("it")
@Timeout(300)
class OpenAiAgentsSdkIT {
    static final List<String> PACKAGES = List.of("@openai/agents@0.8.0", "openai@6.49.0", "zod@4.1.12");

    @RegisterExtension
    static final NodeClientExtension CLIENT = new NodeClientExtension("the OpenAI Agents SDK", "agents-user",
            () -> NodePackages.installed("openai-agents", "mb.test.openaiAgents", "@openai/agents",
                    PACKAGES, "openai-agents/drive.mjs"));

    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen", "glm", "ernie", "spark", "reasoner"})
    void anAgentWithAToolRunsAndContinuesOnEachVendor(String model) throws Exception {
        NodePackages.Run run = NodePackages.run(List.of("node", "drive.mjs"), CLIENT.packages(),
                CLIENT.gateway().driverEnvironment(model), 120);
        assertEquals(0, run.exit(), run.output());
        JsonNode out = ApiCalls.json(run.lastLine());
        for (String api : List.of("responses", "chat_completions")) {
            for (String how : List.of("whole", "streamed")) {
                JsonNode result = out.path(api + "." + how);
                String where = model + " through " + api + ", " + how + ": " + result;
                assertTrue(result.path("items").toString().contains("tool_call_output_item"), where);
                assertTrue(result.path("output").asText().contains("Paris"), where);
            }
            assertTrue(out.path(api + ".whole").path("next").asText().contains("Rome"), out.toString());
        }
        assertTrue(out.path("responses.whole").path("continued").asText().contains("Oslo"), out.toString());
    }
}
