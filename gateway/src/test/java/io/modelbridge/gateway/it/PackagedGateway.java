package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.gateway.config.SecretFiles;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway jar run in its own JVM, as ./modelbridge runs it. Both listeners take a port the system picks
 * (MB_PORT=0, MB_ADMIN_PORT=0), read back from the gateway's "listening" log line: a port picked by the test and
 * released for the child to bind could be taken meanwhile by any other process on a busy machine. Its output goes to
 * target/test-logs/{name}.log, where admin-cli's LogSecretScanIT reads it after the build.
 */
public final class PackagedGateway implements AutoCloseable {
    /** Generous: a JVM start, plugin loading and (with its own database) an embedded PostgreSQL on a loaded machine. */
    public static final Duration START_WITHIN = Duration.ofSeconds(120);
    private static final Pattern LISTENING = Pattern.compile(
            "listening: OpenAI API on http://\\S+:(\\d+)/v1, admin API on http://\\S+:(\\d+)/admin/v1");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final Process process;
    private final Path log;
    private URI api;
    private URI adminUri;

    private PackagedGateway(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the jar on {@code dataDir} (with the bundled plugins and the test admin token) plus {@code env}; does not
     * wait for it: see {@link #awaitReady}.
     */
    public static PackagedGateway start(String name, Path dataDir, Map<String, String> env) throws IOException {
        RunningGateway.copyBundledPlugins(dataDir.resolve("plugins"));
        Path log = Files.createDirectories(Path.of("target", "test-logs")).resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "modelbridge-gateway.jar").toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> all = new HashMap<>(Map.of("MB_HOST", "127.0.0.1", "MB_PORT", "0",
                "MB_ADMIN_HOST", "127.0.0.1", "MB_ADMIN_PORT", "0", "MB_DATA_DIR", dataDir.toString(),
                "MB_ADMIN_TOKEN", RunningGateway.ADMIN_TOKEN));
        all.putAll(env);
        builder.environment().putAll(all);
        return new PackagedGateway(name, builder.start(), log);
    }

    /**
     * Starts the jar as one more instance on {@code owner}'s database under {@code instanceId} (with the owner's master
     * key, so it reads the channels' credentials), plus {@code env}.
     */
    public static PackagedGateway startJoining(String name, RunningGateway owner, String instanceId, Path dataDir,
                                               Map<String, String> env) throws IOException {
        Files.createDirectories(dataDir);
        Files.copy(owner.dataDir.resolve(SecretFiles.MASTER_KEY_FILE), dataDir.resolve(SecretFiles.MASTER_KEY_FILE),
                StandardCopyOption.REPLACE_EXISTING);
        Map<String, String> all = new HashMap<>(Map.of("MB_INSTANCE_ID", instanceId,
                "MB_DB_URL", owner.gateway().jdbcUrl(), "MB_DB_USER", owner.gateway().dbUser(),
                "MB_DB_PASSWORD", owner.gateway().dbPassword()));
        all.putAll(env);
        return start(name, dataDir, all);
    }

    /** Waits until it listens and /readyz answers 200; fails with its log if it dies or takes over {@code within}. */
    public PackagedGateway awaitReady(Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            assertTrue(process.isAlive(), name + " died (exit " + exitValueOrNone() + "); log:\n" + logText());
            if (api == null) {
                readPorts();
            }
            if (api != null && readyz() == 200) {
                return this;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(name + " was not ready within " + within + "; log:\n" + logText());
    }

    /** Waits until /readyz answers {@code status} (after a SIGTERM: 503); fails after {@code within}. */
    public void awaitReadyz(int status, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            if (readyz() == status) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("/readyz of " + name + " never answered " + status + " within " + within + "; log:\n"
                + logText());
    }

    /** Adds a channel named "sim" of the openai plugin to {@code upstream}, serving {@code models}. */
    public void addChannel(OpenAiSimulator upstream, String... models) {
        var channel = JSON.createObjectNode().put("name", "sim").put("provider", "openai")
                .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
        var list = channel.putArray("models");
        for (String model : models) {
            list.add(model);
        }
        admin().call("POST", "/channels", channel);
    }

    public void sigterm() {
        process.destroy();
    }

    /** Sends the signal of that name ({@code HUP}) with kill(1), and waits for kill to have sent it. */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-s", name, String.valueOf(process.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -s " + name);
    }

    /** kill -9, and waits for the process to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Waits up to {@code within} for the process to exit, then asserts its exit code; returns the log. */
    public String assertExits(int code, Duration within) throws InterruptedException {
        assertTrue(process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS),
                name + " exited within " + within + "; log:\n" + logText());
        String text = logText();
        assertEquals(code, process.exitValue(), text);
        return text;
    }

    public URI api() {
        assertTrue(api != null, name + " is not listening yet: call awaitReady");
        return api;
    }

    public AdminClient admin() {
        assertTrue(adminUri != null, name + " is not listening yet: call awaitReady");
        return new AdminClient(adminUri, RunningGateway.ADMIN_TOKEN);
    }

    public Process process() {
        return process;
    }

    public Path log() {
        return log;
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    private void readPorts() {
        Matcher m = LISTENING.matcher(logText());
        if (m.find()) {
            api = URI.create("http://127.0.0.1:" + m.group(1));
            adminUri = URI.create("http://127.0.0.1:" + m.group(2));
        }
    }

    /** The status of /readyz, or 0 when it does not answer within 5 s (not listening, or stopped). */
    private int readyz() throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(api.resolve("/readyz")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notAnswering) {
            return 0;
        }
    }

    private String exitValueOrNone() {
        return process.isAlive() ? "none" : String.valueOf(process.exitValue());
    }
}
