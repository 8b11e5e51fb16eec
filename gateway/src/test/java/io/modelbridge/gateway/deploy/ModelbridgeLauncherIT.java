package io.modelbridge.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.modelbridge.gateway.it.AotTrainingIT;
import io.modelbridge.gateway.it.SmallDisk;
import io.modelbridge.gateway.training.AotTraining;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's run command, {@code ./modelbridge}, in a copy of a freshly built checkout (the launcher, its scripts and
 * the build's artifacts, nothing else): the first start on a JDK 25 trains the start-up cache, then starts with it;
 * the next start uses it; {@code MB_AOT=off} starts without. Each start must serve, print no JVM warning, and stop on
 * SIGTERM with exit status 0.
 */
@Tag("it")
class ModelbridgeLauncherIT {
    private static final Pattern LISTENING = Pattern.compile("listening: OpenAI API on http://\\S+:(\\d+)/v1");
    private static final Pattern JVM_WARNING = Pattern.compile("^\\[[0-9.]+s\\]\\[warning\\].*$", Pattern.MULTILINE);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path checkout;

    @Test
    void aFirstStartTrainsTheCacheAndEveryStartServesAndStopsCleanly() throws Exception {
        freshCheckout();
        boolean aot = Runtime.version().feature() >= 25;
        Path cacheDir = checkout.resolve("data/aot");

        String first = startServeAndStop("first", Map.of());
        assertTrue(first.contains(" MALLOC_TOP_PAD_=8388608 ") && first.contains(" MALLOC_TRIM_THRESHOLD_=33554432 "),
                "the embedded PostgreSQL keeps freed memory for the next batch (scripts/java-env.sh):\n" + first);
        if (aot) {
            assertTrue(first.contains("Training the start-up cache"), first);
            assertTrue(first.contains("Start-up cache written"), first);
            assertEquals(1, cacheFiles(cacheDir).size(), "one cache file");
            Matcher trained = AotTrainingIT.TRAINED.matcher(Files.readString(cacheDir.resolve("training.log")));
            assertTrue(trained.find(), "the training's counts are in its log");
            assertEquals(AotTrainingIT.TRAINING_REQUESTS,
                    Integer.parseInt(trained.group(1)) + Integer.parseInt(trained.group(2)),
                    "the training ran the test's requests (MB_JAVA_OPTS)");
            assertTrue(first.contains("-XX:AOTCache="), "the first start uses the cache it trained:\n" + first);
        }

        String again = startServeAndStop("again", Map.of());
        assertFalse(again.contains("Training the start-up cache"), again); // the message, not a word of the environment
        if (aot) {
            assertTrue(again.contains("-XX:AOTCache="), again);
        }
        if (Runtime.version().feature() == 25) {
            assertTrue(again.contains("-XX:+AOTCompileEagerly"), "a restart compiles from the cache's profiles at once:\n"
                    + again);
        }

        String plain = startServeAndStop("plain", Map.of("MB_AOT", "off"));
        assertFalse(plain.contains("-XX:AOTCache") || plain.contains("SharedArchiveFile"), plain);
    }

    /**
     * A data folder on a disk without room for the cache: before, the failed training made the start record the
     * cache itself, and the JVM's write of it when stopping failed too, so a clean SIGTERM stop exited 1 with "Error
     * occurred during initialization of VM". Needs a tmpfs of its own, which only root may mount; skipped elsewhere.
     */
    @Test
    void aDiskWithoutRoomForTheCacheStartsWithoutItAndStopsCleanly() throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "the training of the ahead-of-time cache needs a JDK 25");
        freshCheckout();
        try (SmallDisk ignored = SmallDisk.mount(checkout.resolve("data"), "100m")) {
            String output = startServeAndStop("small-disk", Map.of());
            assertTrue(output.contains("No start-up cache: only "), output);
            assertFalse(output.contains("-XX:AOTCache"), output);
        }
    }

    /** Runs ./modelbridge until it serves, checks an answer, sends SIGTERM; the output, with the JVM's arguments. */
    private String startServeAndStop(String name, Map<String, String> env) throws Exception {
        Path log = Files.createDirectories(Path.of("target", "test-logs")).resolve("launcher-" + name + ".log");
        ProcessBuilder builder = new ProcessBuilder(checkout.resolve("modelbridge").toString())
                .directory(checkout.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("MB_"));
        builder.environment().putAll(Map.of("JAVA_HOME", System.getProperty("java.home"), "MB_PORT", "0",
                "MB_ADMIN_PORT", "0", "MB_ADMIN_TOKEN", "launcher-test-token", "MB_DRAIN_SECONDS", "5",
                "MB_DRAIN_DELAY_SECONDS", "0", // no load balancer to wait for: stop at once (SigtermDrainIT has it)
                // a tenth of the training's requests: this checks how the cache is made and used, not how well
                "MB_JAVA_OPTS", "-D" + AotTraining.REQUESTS_PROPERTY + "=" + AotTrainingIT.TRAINING_REQUESTS));
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            int port = awaitListening(process, log, Duration.ofMinutes(10));
            String arguments = String.join(" ", process.info().arguments().orElse(new String[0]));
            HttpResponse<String> models = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, models.statusCode(), models.body());
            String postgresEnvironment = postgresEnvironment();
            process.toHandle().destroy(); // SIGTERM: ./modelbridge exec'ed the JVM
            assertTrue(process.waitFor(3, TimeUnit.MINUTES), name + " did not stop within 3 minutes");
            String output = Files.readString(log);
            assertEquals(0, process.exitValue(), output);
            Matcher warning = JVM_WARNING.matcher(output);
            boolean warned = warning.find();
            assertFalse(warned, () -> "a JVM warning at the " + name + " start: " + warning.group());
            assertTrue(output.contains("ModelBridge stopped"), output);
            return output + "\nJVM arguments: " + arguments + "\nPostgreSQL environment: " + postgresEnvironment;
        } finally {
            process.destroyForcibly();
        }
    }

    /** The embedded postmaster's environment, as /proc shows it (words separated by spaces). */
    private String postgresEnvironment() throws IOException {
        String pid = Files.readAllLines(checkout.resolve("data/pg/postmaster.pid")).get(0).strip();
        return Files.readString(Path.of("/proc", pid, "environ"), StandardCharsets.ISO_8859_1).replace('\0', ' ');
    }

    private static int awaitListening(Process process, Path log, Duration within) throws Exception {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            String output = Files.readString(log);
            assertTrue(process.isAlive(), "./modelbridge ended:\n" + output);
            Matcher listening = LISTENING.matcher(output);
            if (listening.find()) {
                return Integer.parseInt(listening.group(1));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("./modelbridge did not listen within " + within + ":\n" + Files.readString(log));
    }

    /** The launcher, its scripts and the build's output, with a build stamp newer than any source: nothing to build. */
    private void freshCheckout() throws IOException {
        for (String script : List.of("modelbridge", "scripts/java-env.sh", "scripts/build-if-stale.sh")) {
            copy(DeployKit.REPO.resolve(script), checkout.resolve(script));
        }
        Path built = Path.of("target");
        copy(built.resolve("modelbridge-gateway.jar"), checkout.resolve("gateway/target/modelbridge-gateway.jar"));
        for (String folder : List.of("lib", "plugins")) {
            try (Stream<Path> jars = Files.list(built.resolve(folder))) {
                for (Path jar : jars.toList()) {
                    copy(jar, checkout.resolve("gateway/target").resolve(folder).resolve(jar.getFileName()));
                }
            }
        }
        Files.createDirectories(checkout.resolve("admin-cli/target"));
        Files.writeString(checkout.resolve("admin-cli/target/mbctl.jar"), ""); // ./modelbridge only checks it is built
        Files.writeString(checkout.resolve("gateway/target/.build-stamp"), "");
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
    }

    private static List<Path> cacheFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".aot")).toList();
        }
    }
}
