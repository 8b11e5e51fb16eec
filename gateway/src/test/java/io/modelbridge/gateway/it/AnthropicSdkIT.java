package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official Anthropic TypeScript SDK ({@code @anthropic-ai/sdk}, unmodified) against the gateway, behind the
 * openai, deepseek and qwen simulators: create, stream, a tool-use round trip, count_tokens, an error. Needs Node; the SDK
 * is installed with npm into {@code target/anthropic-sdk} (or taken from {@code -Dmb.test.anthropicSdk=<dir with
 * node_modules>}). Skipped, saying why, when node is absent or the SDK cannot be installed (offline).
 */
@Tag("it")
@Timeout(300)
class AnthropicSdkIT {
    static final String SDK_VERSION = "1.17.0";
    @TempDir
    static Path dataDir;
    static ThreeVendors vendors;
    static RunningGateway gateway;
    static Path sdk;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(run(List.of("node", "--version"), Path.of("."), Map.of(), 30).exit() == 0,
                "node is not installed: the Anthropic TypeScript SDK cannot be driven");
        sdk = installedSdk();
        vendors = ThreeVendors.start();
        gateway = RunningGateway.start(dataDir);
        vendors.routeOn(gateway);
        key = gateway.userWithKey("sdk-user");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
            vendors.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen"})
    void theOfficialSdkWorksUnmodified(String model) throws Exception {
        Run run = run(List.of("node", "drive.mjs"), sdk, Map.of("MB_BASE_URL", gateway.api().toString(),
                "MB_KEY", key, "MB_MODEL", model), 120);
        assertEquals(0, run.exit(), run.output());
        JsonNode out = ApiCalls.json(run.output().lines().reduce((a, b) -> b).orElseThrow());

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
        Path dir = Path.of(System.getProperty("mb.test.anthropicSdk", "target/anthropic-sdk"));
        Files.createDirectories(dir);
        if (!Files.isDirectory(dir.resolve("node_modules/@anthropic-ai/sdk"))) {
            Run install = run(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", dir.toString(),
                    "@anthropic-ai/sdk@" + SDK_VERSION), Path.of("."), Map.of(), 240);
            assumeTrue(install.exit() == 0, "@anthropic-ai/sdk could not be installed with npm (offline?): "
                    + install.output());
        }
        try (InputStream script = AnthropicSdkIT.class.getResourceAsStream("/anthropic-sdk/drive.mjs")) {
            Files.copy(script, dir.resolve("drive.mjs"), StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }

    record Run(int exit, String output) {}

    /** A bounded subprocess: its exit code (-1 when it did not start or timed out) and its output. */
    private static Run run(List<String> command, Path dir, Map<String, String> env, int seconds) throws InterruptedException {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Run(-1, "timed out after " + seconds + " s");
            }
            return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Run(-1, e.toString());
        }
    }
}
