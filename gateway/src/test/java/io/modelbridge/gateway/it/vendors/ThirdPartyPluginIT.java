package io.modelbridge.gateway.it.vendors;

import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.vendors.VendorGateway.ask;
import static io.modelbridge.gateway.it.vendors.VendorGateway.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.gateway.it.Folders;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import io.modelbridge.testkit.openai.OpenAiStyle;
import io.modelbridge.testkit.openai.OpenAiStyle.Error;
import io.modelbridge.testkit.openai.OpenAiStyle.StreamUsage;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin built as a third party builds it (docs/plugins.md, "A plugin in its own project"): the sample
 * plugins/examples/kimi-plugin, version 2.3.0, whose parent is modelbridge-plugin-parent, is built OUTSIDE the reactor
 * by Maven, offline, from a local repository under target/ into which this test installs the gateway's artifacts
 * (the root pom, the SPI, the shared OpenAI-compatible module, the plugin parent); everything else comes read-only from
 * ~/.m2 (Maven's local repository tail). The gateway then loads the jar and serves chat and streams through it against
 * the test kit's simulator in Kimi's style, next to the bundled openai plugin, which has its own copy of the shared
 * module in its own class loader. The build is bounded to {@link #BUILD_SECONDS}.
 */
@Tag("it")
class ThirdPartyPluginIT {
    private static final long BUILD_SECONDS = 150;
    private static final String KEY = "sk-kimi-third-party-0123456789";
    private static final OpenAiStyle KIMI = OpenAiStyle.OPENAI.withUsage(StreamUsage.IN_FINISH_CHOICE)
            .withErrors(new OpenAiStyle.Errors(new Error(401, "invalid_authentication_error", null),
                    new Error(404, "resource_not_found_error", null), new Error(429, "rate_limit_reached_error", null),
                    new Error(429, "exceeded_current_quota_error", null), new Error(400, "invalid_request_error", null),
                    new Error(400, "invalid_request_error", null)));
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void thePluginParentNamesTheGatewaysVersionsAndNotThePluginsOwn() throws IOException {
        String root = Files.readString(ROOT.resolve("pom.xml"));
        String parent = Files.readString(ROOT.resolve("plugins/plugin-parent/pom.xml"));
        assertEquals(gatewayVersion(), tag(parent, "version"), "the parent's own version is the gateway's");
        assertEquals(gatewayVersion(), tag(parent, "modelbridge.version"));
        for (String property : List.of("modelbridge.spi.version", "jackson.version", "pf4j.version", "slf4j.version",
                "junit.version")) {
            assertEquals(tag(root, property), tag(parent, property), property + " as the gateway has it");
        }
        assertTrue(parent.contains("<Plugin-Provider>${plugin.provider}</Plugin-Provider>"), "no ModelBridge stamp");
    }

    @Test
    void aPluginBuiltOutsideTheReactorLoadsAndServes(@TempDir Path dataDir) throws Exception {
        Path jar = buildSamplePlugin();
        try (JarFile built = new JarFile(jar.toFile())) {
            Attributes manifest = built.getManifest().getMainAttributes();
            assertEquals("kimi", manifest.getValue("Plugin-Id"));
            assertEquals("2.3.0", manifest.getValue("Plugin-Version"));
            assertEquals("Example Corp", manifest.getValue("Plugin-Provider"));
            assertTrue(built.getJarEntry("io/modelbridge/compat/OpenAiCompatibleAdapter.class") != null,
                    "the shared module is shaded in");
            assertTrue(built.stream().noneMatch(e -> e.getName().startsWith("io/modelbridge/spi/")), "no SPI inside");
        }
        Files.createDirectories(dataDir.resolve("plugins"));
        Files.copy(jar, dataDir.resolve("plugins/kimi-plugin.jar"));
        try (OpenAiSimulator kimi = OpenAiSimulator.start(KIMI, KEY, List.of("moonshot-v1-8k"));
             OpenAiSimulator openai = OpenAiSimulator.start();
             VendorGateway gw = new VendorGateway(dataDir)) {
            JsonNode plugin = gw.plugin("kimi");
            assertEquals("2.3.0", plugin.path("version").asText(), plugin.toString());
            assertEquals("kimi", plugin.path("provider_ids").path(0).asText(), plugin.toString());
            gw.channel("kimi-main", "kimi", kimi.baseUri(), KEY, List.of("moonshot-v1-8k"));
            gw.channel("kimi-broke", "kimi", kimi.baseUri(), KEY, List.of("moonshot-v1-8k"));
            gw.alias("kimi", "kimi-main", "moonshot-v1-8k");
            gw.alias("kimi-broke", "kimi-broke", "moonshot-v1-8k");

            HttpResponse<String> answer = gw.chat(ask("kimi", "hello from a third party", false).toString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals("echo: hello from a third party", json(answer.body()).at("/choices/0/message/content").asText());
            assertEquals("/v1/chat/completions", kimi.lastRequest().path());

            List<JsonNode> events = gw.stream(ask("kimi", "streamed", true).toString());
            assertEquals("echo: streamed", joined(events, "content"));
            assertTrue(events.getLast().path("usage").path("total_tokens").asInt() > 0,
                    "usage read from inside Kimi's finishing choice: " + events.getLast());

            // the bundled openai plugin carries its own copy of io.modelbridge.compat: both serve side by side
            gw.channel("openai-main", "openai", openai.baseUri(), openai.apiKey(), List.of("gpt-4o"));
            gw.alias("gpt", "openai-main", "gpt-4o");
            HttpResponse<String> fromOpenAi = gw.chat(ask("gpt", "next door", false).toString());
            assertEquals("echo: next door", json(fromOpenAi.body()).at("/choices/0/message/content").asText(),
                    fromOpenAi.body());

            kimi.failNextQuotaExceeded(1);
            VendorGateway.assertQuotaExhausted(gw.chat(ask("kimi-broke", "pay me", false).toString()), "kimi-broke");
        }
    }

    /** Installs the gateway's artifacts into target/third-party/repo, builds a copy of the sample there, offline. */
    private static Path buildSamplePlugin() throws IOException, InterruptedException {
        Path work = Path.of("target", "third-party").toAbsolutePath();
        Folders.deleteTree(work);
        Path repo = work.resolve("repo");
        String version = gatewayVersion();
        install(repo, "modelbridge", version, ROOT.resolve("pom.xml"), null);
        install(repo, "modelbridge-plugin-api", version, ROOT.resolve("plugins/api/pom.xml"),
                ROOT.resolve("plugins/api/target/modelbridge-plugin-api-" + version + ".jar"));
        install(repo, "modelbridge-plugin-openai-compat", version, ROOT.resolve("plugins/openai-compat/pom.xml"),
                ROOT.resolve("plugins/openai-compat/target/modelbridge-plugin-openai-compat-" + version + ".jar"));
        install(repo, "modelbridge-plugin-parent", version, ROOT.resolve("plugins/plugin-parent/pom.xml"), null);
        Path project = work.resolve("kimi-plugin");
        copyTree(ROOT.resolve("plugins/examples/kimi-plugin"), project);

        Path log = work.resolve("build.log");
        ProcessBuilder build = new ProcessBuilder(ROOT.resolve("mvnw").toString(), "-B", "-ntp", "-o",
                "-Dmaven.repo.local=" + repo, "-Dmaven.repo.local.tail=" + Path.of(System.getProperty("user.home"),
                ".m2", "repository"), "package")
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        build.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process running = build.start();
        running.getOutputStream().close();
        if (!running.waitFor(BUILD_SECONDS, TimeUnit.SECONDS)) {
            running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("the sample plugin's build took over " + BUILD_SECONDS + " s; see " + log);
        }
        assertEquals(0, running.exitValue(), () -> "the sample plugin's build failed:\n" + read(log));
        return project.resolve("target/kimi-plugin.jar");
    }

    private static void install(Path repo, String artifactId, String version, Path pom, Path jar) throws IOException {
        Path dir = repo.resolve("io/modelbridge").resolve(artifactId).resolve(version);
        Files.createDirectories(dir);
        Files.copy(pom, dir.resolve(artifactId + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            assertTrue(Files.isRegularFile(jar), "missing " + jar + " (package the reactor first)");
            Files.copy(jar, dir.resolve(artifactId + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String gatewayVersion() throws IOException {
        Matcher version = Pattern.compile("<artifactId>modelbridge</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertTrue(version.find(), "the root pom's version");
        return version.group(1);
    }

    private static String tag(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(pom);
        assertTrue(m.find(), name);
        return m.group(1);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.filter(p -> !from.relativize(p).startsWith("target")).toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
