package io.modelbridge.gateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.Gateway;
import io.modelbridge.gateway.config.GatewayConfig;
import io.modelbridge.gateway.config.SecretFiles;
import io.modelbridge.testkit.SecretLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A real gateway in this JVM: embedded PostgreSQL in {@code dataDir}, the plugin jars the build produced (loaded
 * by PF4J, never from the test classpath), both listeners on free loopback ports.
 */
public final class RunningGateway implements AutoCloseable {
    public static final ObjectMapper JSON = JsonMapper.builder().build();
    public static final String ADMIN_TOKEN = "test-admin-token";
    private final Gateway gateway;
    public final Path dataDir;

    private RunningGateway(Path dataDir, long maxBodyBytes, UnaryOperator<GatewayConfig> adjust) {
        this.dataDir = dataDir;
        copyBundledPlugins(dataDir.resolve("plugins"));
        GatewayConfig config = new GatewayConfig("127.0.0.1", 0, "127.0.0.1", 0, dataDir, dataDir.resolve("plugins"),
                Optional.empty(), "postgres", "", 4, Optional.of(ADMIN_TOKEN), Optional.empty(), maxBodyBytes,
                Duration.ofSeconds(10), Duration.ofSeconds(60), 3);
        GatewayConfig adjusted = adjust.apply(config);
        adjusted.adminToken().ifPresent(SecretLedger::record);
        adjusted.masterKey().ifPresent(SecretLedger::record);
        this.gateway = Gateway.start(adjusted);
        recordSecretFile(dataDir.resolve(SecretFiles.MASTER_KEY_FILE));
        recordSecretFile(dataDir.resolve("db-secrets/superuser")); // the embedded database's passwords
        recordSecretFile(dataDir.resolve("db-secrets/gateway"));
    }

    /** A secret kept in the data folder (master key, database passwords) goes to the {@link SecretLedger}. */
    private static void recordSecretFile(Path file) {
        try {
            if (Files.exists(file)) {
                SecretLedger.record(Files.readString(file).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RunningGateway start(Path dataDir) {
        return new RunningGateway(dataDir, 64 * 1024, UnaryOperator.identity());
    }

    /** With the test configuration adjusted, e.g. {@code c -> c.withControl(...)}. */
    public static RunningGateway start(Path dataDir, UnaryOperator<GatewayConfig> adjust) {
        return new RunningGateway(dataDir, 64 * 1024, adjust);
    }

    /**
     * Another instance on this one's database, with the same master key (as every instance of a deployment must
     * have) but its own data folder, plugins and listeners.
     */
    public RunningGateway sibling(Path dataDir, UnaryOperator<GatewayConfig> adjust) {
        try {
            Files.createDirectories(dataDir);
            Files.copy(this.dataDir.resolve(SecretFiles.MASTER_KEY_FILE), dataDir.resolve(SecretFiles.MASTER_KEY_FILE),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RunningGateway(dataDir, 64 * 1024,
                c -> adjust.apply(c.withDatabase(gateway.jdbcUrl(), gateway.dbUser(), gateway.dbPassword())));
    }

    public static void copyBundledPlugins(Path pluginsDir) {
        Path built = Path.of(System.getProperty("mb.test.plugins", "target/plugins"));
        try {
            Files.createDirectories(pluginsDir);
            try (var jars = Files.list(built)) {
                for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                    Files.copy(jar, pluginsDir.resolve(jar.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("plugin jars missing from " + built + " (run through Maven)", e);
        }
    }

    /** MB_EXPOSE_ROUTING on: answers carry x-modelbridge-channel, -upstream-model and -plugin, which tests read. */
    public static GatewayConfig exposingRouting(GatewayConfig config) {
        return config.withListener(config.listener().withEdge(config.listener().edge().withExposeRouting(true)));
    }

    public URI api() {
        return URI.create("http://127.0.0.1:" + gateway.port());
    }

    public URI admin() {
        return URI.create("http://127.0.0.1:" + gateway.adminPort());
    }

    public Gateway gateway() {
        return gateway;
    }

    public AdminClient adminClient() {
        return new AdminClient(admin(), ADMIN_TOKEN);
    }

    /** An admin API call that must succeed; returns the JSON answer. */
    public JsonNode admin(String method, String path, Object body) {
        return adminClient().call(method, path, body);
    }

    public HttpResponse<String> adminCall(String method, String path, Object body) {
        return adminClient().send(method, path, body);
    }

    /** Creates a user with a key and returns the key's secret. */
    public String userWithKey(String user, String... models) {
        return adminClient().userWithKey(user, models);
    }

    /** Adds a channel to the upstream at baseUrl, serving these models. */
    public void channel(String name, String provider, String baseUrl, String credential, String... models) {
        ObjectNode channel = JSON.createObjectNode().put("name", name).put("provider", provider)
                .put("credential", credential).put("base_url", baseUrl);
        ArrayNode served = channel.putArray("models");
        for (String model : models) {
            served.add(model);
        }
        admin("POST", "/channels", channel);
    }

    /** Points the alias at one channel's model. */
    public void alias(String name, String channel, String model) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("targets").addObject().put("channel", channel).put("model", model);
        admin("PUT", "/aliases/" + name, body);
    }

    @Override
    public void close() {
        gateway.close();
    }
}
