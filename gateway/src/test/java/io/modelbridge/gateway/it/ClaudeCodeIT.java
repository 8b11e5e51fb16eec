package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Claude Code ({@code @anthropic-ai/claude-code}, unmodified, in print mode) pointed at the gateway with
 * {@code ANTHROPIC_BASE_URL}, as its users run it with another vendor's model: a system prompt of thousands of
 * tokens, a dozen tools, {@code /v1/messages?beta=true}, {@code anthropic-beta} headers, cache_control on the
 * system and messages, and max_tokens 32,000, more than DeepSeek and ERNIE's 8K models take. Each vendor behind an
 * alias answers, and the run succeeds. Needs Node; installed with npm into {@code target/claude-code} (or taken from
 * {@code -Dmb.test.claudeCode=<dir with node_modules>}). Skipped, saying why, when node is absent or npm cannot
 * install it (offline).
 */
@Tag("it")
@Timeout(300)
class ClaudeCodeIT {
    static final String VERSION = "1.0.128";
    @TempDir
    static Path home;

    @RegisterExtension
    static final NodeClientExtension CLIENT = new NodeClientExtension("Claude Code", "claude-code-user",
            () -> NodePackages.installed("claude-code", "mb.test.claudeCode",
                    "@anthropic-ai/claude-code", List.of("@anthropic-ai/claude-code@" + VERSION), null));

    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen", "glm", "ernie", "spark", "reasoner"})
    void claudeCodeRunsOnEachVendor(String model) throws Exception {
        Path bin = CLIENT.packages().toAbsolutePath().resolve("node_modules/@anthropic-ai/claude-code/cli.js");
        assertTrue(Files.exists(bin), bin.toString());
        // Run outside the checkout: Claude Code puts its working folder's git status and latest commit messages in
        // its prompt, which made the request outgrow the test gateway's 64 KiB body limit in a changed checkout.
        NodePackages.Run run = NodePackages.run(
                List.of("node", bin.toString(), "-p", "hello there", "--model", model, "--output-format", "json"),
                home,
                Map.of("ANTHROPIC_BASE_URL", CLIENT.gateway().gateway().api().toString(),
                        "ANTHROPIC_API_KEY", CLIENT.gateway().key(),
                        "ANTHROPIC_SMALL_FAST_MODEL", model, "HOME", home.toString(), "DISABLE_TELEMETRY", "1",
                        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1", "DISABLE_AUTOUPDATER", "1"), 120);
        assertEquals(0, run.exit(), run.output());
        JsonNode result = ApiCalls.json(run.lastLine());
        assertEquals("success", result.path("subtype").asText(), result.toString());
        assertFalse(result.path("is_error").asBoolean(true), model + ": " + result.path("result").asText());
        assertTrue(result.path("result").asText().contains("hello there"), result.toString());
        assertTrue(result.at("/usage/input_tokens").asInt() > 1000, "its system prompt and tools: " + result);
    }
}
