package io.modelbridge.gateway.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelbridge.gateway.Gateway;
import io.modelbridge.gateway.config.GatewayConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training run of the start-up cache ({@code java -XX:AOTCacheOutput=… -jar modelbridge-gateway.jar
 * --aot-training PLUGINS_DIR}, run by ./modelbridge once per build and JDK): a gateway of its own, on a throwaway
 * data folder with its own embedded PostgreSQL, answered by a loopback {@link TrainingUpstream}, serves a bounded
 * load of requests through its real listener, so the JVM's cache holds the classes and the method profiles of the
 * request path. Nothing of the operator's is read: not the environment (no MB_DB_URL, no channel), not the data
 * folder; the throwaway folder is deleted before the JVM exits.
 */
public final class AotTraining {
    private static final Logger LOG = LoggerFactory.getLogger(AotTraining.class);
    /** Enough for C1 and C2 to see every hot method thousands of times (JEP 515's profiles). */
    static final int REQUESTS = 20_000;
    /**
     * Fewer requests, for the tests of the launcher and the training, which check how the cache is made and used, not
     * how well it is trained: {@code -Dmb.training.requests=N}.
     */
    public static final String REQUESTS_PROPERTY = "mb.training.requests";
    static final Duration AT_MOST = Duration.ofSeconds(60);
    private static final int CLIENTS = 16;
    private static final String OPENAI_JAR = "modelbridge-plugin-openai.jar";
    private static final String CHAT = """
            {"model":"training","messages":[{"role":"user","content":"Say hello in five words."}],"max_tokens":16}""";
    private static final String STREAM = """
            {"model":"training","messages":[{"role":"user","content":"Say hello."}],"max_tokens":16,"stream":true,\
            "stream_options":{"include_usage":true}}""";
    private static final String EMBED = """
            {"model":"training","input":"hello"}""";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Load load;

    private AotTraining(Load load) {
        this.load = load;
    }

    /** Runs the training with the bundled plugins in {@code pluginsDir}; the counts of answers by kind. */
    public static Result run(Path pluginsDir) throws IOException, InterruptedException {
        int requests = Integer.getInteger(REQUESTS_PROPERTY, REQUESTS);
        return run(pluginsDir, new Load("aot-training", "Start-up cache training", requests, AT_MOST));
    }

    /**
     * How much to drive: at most {@code requests} calls, for at most {@code atMost} (once the gateway is set up);
     * {@code name} names the throwaway folder and the instance, {@code label} the log line.
     */
    public record Load(String name, String label, int requests, Duration atMost) {}

    /** Drives {@code load} through a throwaway gateway with the bundled plugins in {@code pluginsDir}. */
    public static Result run(Path pluginsDir, Load load) throws IOException, InterruptedException {
        Path dataDir = Files.createTempDirectory("modelbridge-" + load.name());
        AotTraining training = new AotTraining(load);
        // Stopped half-way (SIGTERM, Ctrl-C): the embedded PostgreSQL stops and the throwaway folder goes all the same.
        Thread cleanUp = Thread.ofPlatform().unstarted(() -> training.stop(dataDir));
        Runtime.getRuntime().addShutdownHook(cleanUp);
        try {
            return training.train(dataDir, pluginsDir);
        } finally {
            training.stop(dataDir);
            Runtime.getRuntime().removeShutdownHook(cleanUp);
        }
    }

    private volatile Gateway gateway;

    private synchronized void stop(Path dataDir) {
        Gateway running = gateway;
        gateway = null;
        if (running != null) {
            running.close();
        }
        try {
            deleteTree(dataDir);
        } catch (IOException e) {
            LOG.warn("The training's folder {} could not be deleted: {}", dataDir, e.toString());
        }
    }

    /** Answers by outcome: {@code ok} 2xx, {@code refused} the deliberate 401s, {@code failed} anything else. */
    public record Result(int ok, int refused, int failed, Duration took) {}

    private Result train(Path dataDir, Path pluginsDir) throws IOException, InterruptedException {
        String adminToken = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        // A copy of the one plugin it needs, in its own folder: the plugin host keeps its staging folder in there.
        Path plugin = pluginsDir.resolve(OPENAI_JAR);
        if (!Files.isRegularFile(plugin)) {
            throw new IllegalStateException("the bundled openai plugin " + plugin + " is missing");
        }
        Path ownPlugins = Files.createDirectories(dataDir.resolve("plugins"));
        Files.copy(plugin, ownPlugins.resolve(OPENAI_JAR));
        GatewayConfig config = GatewayConfig.fromEnvironment(Map.of(
                "MB_DATA_DIR", dataDir.toString(), "MB_PLUGINS_DIR", ownPlugins.toString(),
                "MB_HOST", "127.0.0.1", "MB_PORT", "0", "MB_ADMIN_HOST", "127.0.0.1", "MB_ADMIN_PORT", "0",
                "MB_ADMIN_TOKEN", adminToken, "MB_INSTANCE_ID", load.name(), "MB_DB_POOL_SIZE", "8"));
        try (TrainingUpstream upstream = new TrainingUpstream()) {
            gateway = Gateway.start(config);
            URI admin = URI.create("http://127.0.0.1:" + gateway.adminPort() + "/admin/v1");
            String key = configure(admin, adminToken, upstream.baseUrl());
            URI api = URI.create("http://127.0.0.1:" + gateway.port() + "/v1");
            return drive(api, key);
        }
    }

    /** A channel to the training upstream, an alias, a price, a user, a key and limits at every scope: the full path. */
    private String configure(URI admin, String token, String upstreamUrl) throws IOException, InterruptedException {
        awaitPluginStarted(admin, token);
        adminCall(admin, token, "POST", "/channels", """
                {"name":"training","provider":"openai","credential":"%s","base_url":"%s","models":["training"]}"""
                .formatted(TrainingUpstream.API_KEY, upstreamUrl));
        adminCall(admin, token, "PUT", "/aliases/training", """
                {"targets":[{"channel":"training","model":"training"}]}""");
        adminCall(admin, token, "PUT", "/prices/training", """
                {"input_per_1k":0.001,"output_per_1k":0.002}""");
        adminCall(admin, token, "POST", "/users", """
                {"name":"training","quota":1000000000}""");
        JsonNode key = adminCall(admin, token, "POST", "/keys", """
                {"user":"training","label":"training"}""");
        String huge = "\"rpm\":100000000,\"tpm\":2000000000";
        adminCall(admin, token, "PUT", "/limits", "{\"scope\":\"global\"," + huge + "}");
        adminCall(admin, token, "PUT", "/limits", "{\"scope\":\"user\",\"subject\":\"training\"," + huge + "}");
        adminCall(admin, token, "PUT", "/limits",
                "{\"scope\":\"key\",\"subject\":\"" + key.path("id").asText() + "\"," + huge + "}");
        return key.path("key").asText();
    }

    private void awaitPluginStarted(URI admin, String token) throws IOException, InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            for (JsonNode plugin : adminCall(admin, token, "GET", "/plugins", null).path("data")) {
                if (plugin.path("id").asText().equals("openai") && plugin.path("state").asText().equals("STARTED")) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the bundled openai plugin did not start (is it in the plugins folder?)");
    }

    private JsonNode adminCall(URI admin, String token, String method, String path, String body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(admin + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode());
        }
        return response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
    }

    /** {@link #CLIENTS} keep-alive clients share the load's calls: mostly chat, some streamed, embeddings, errors. */
    private Result drive(URI api, String key) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long began = System.nanoTime();
        long end = began + load.atMost().toNanos();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                running.add(clients.submit(() -> {
                    for (int n = next.getAndIncrement(); n < load.requests() && System.nanoTime() < end;
                         n = next.getAndIncrement()) {
                        int status = call(api, key, n);
                        boolean deliberate401 = n % 100 == 99;
                        (status / 100 == 2 ? ok : deliberate401 && status == 401 ? refused : failed).incrementAndGet();
                    }
                }));
            }
            for (Future<?> client : running) {
                try {
                    client.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    LOG.warn("A training client stopped: {}", e.getCause().toString());
                }
            }
        }
        Result result = new Result(ok.get(), refused.get(), failed.get(), Duration.ofNanos(System.nanoTime() - began));
        LOG.info("{}: {} answers, {} deliberate 401s, {} failures in {} ms", load.label(), result.ok(),
                result.refused(), result.failed(), result.took().toMillis());
        return result;
    }

    private int call(URI api, String key, int n) {
        String path = n % 20 == 19 ? "/embeddings" : "/chat/completions";
        String body = n % 20 == 19 ? EMBED : n % 10 == 9 ? STREAM : CHAT;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path))
                .header("Authorization", "Bearer " + (n % 100 == 99 ? "sk-not-a-key" : key))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30));
        try {
            if (n % 50 == 49) {
                return http.send(request.GET().uri(URI.create(api + "/models")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            }
            return http.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
