package io.modelbridge.gateway.config;

import io.modelbridge.db.PostgresUrl;
import io.modelbridge.gateway.http.ResponseProfile;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the gateway reads from its environment, read once at start and validated here.
 *
 * @param adminToken the admin API token from MB_ADMIN_TOKEN, or empty: then it lives in the data folder
 * @param masterKey  MB_MASTER_KEY (base64 of 32 bytes), or empty: then it lives in the data folder
 * @param dbUrl      MB_DB_URL as a JDBC URL (with MB_DB_SCHEMA as its currentSchema), or empty for the embedded
 *                   PostgreSQL under the data folder
 * @param dbUser     MB_DB_USER, else the user MB_DB_URL names, else postgres
 * @param dbPassword MB_DB_PASSWORD, else the password MB_DB_URL carries, else none
 * @param control    rate limits, circuit breaker and quota leases
 * @param portal     the self-service portal: public URL and mail
 * @param plugins    which bundled plugins dropped jars may replace, and how long a plugin may take to start
 * @param listener   the public listener's connection cap and idle timeout
 * @param responses  how long the Responses API keeps stored answers, and how large they may be
 * @param usageRetention MB_USAGE_RETENTION_DAYS: usage rows older than this are deleted; zero keeps them all
 */
public record GatewayConfig(String host, int port, String adminHost, int adminPort, Path dataDir, Path pluginsDir,
                            Optional<String> dbUrl, String dbUser, String dbPassword, int dbPoolSize,
                            Optional<String> adminToken, Optional<String> masterKey, long maxBodyBytes,
                            Duration drainGrace, Duration requestTimeout, int maxAttempts, ControlConfig control,
                            PortalConfig portal, PluginConfig plugins, ListenerConfig listener,
                            ResponseProfile responseProfile, ResponsesConfig responses, Duration usageRetention) {

    public static final int DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

    public GatewayConfig {
        requirePort("MB_PORT", port);
        requirePort("MB_ADMIN_PORT", adminPort);
        if (port != 0 && port == adminPort && host.equals(adminHost)) {
            throw new IllegalArgumentException("MB_PORT and MB_ADMIN_PORT must differ, both are " + port);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("MB_MAX_BODY_BYTES must be at least 1024, got " + maxBodyBytes);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("MB_MAX_ATTEMPTS must be at least 1, got " + maxAttempts);
        }
        if (usageRetention.isNegative()) {
            throw new IllegalArgumentException("MB_USAGE_RETENTION_DAYS must be 0 or more, got "
                    + usageRetention.toDays());
        }
        if (listener.bodyMemory() < maxBodyBytes) {
            throw new IllegalArgumentException("MB_BODY_MEMORY_BYTES (" + listener.bodyMemory() + ") must be at least "
                    + "MB_MAX_BODY_BYTES (" + maxBodyBytes + "): one body of the largest size must fit");
        }
    }

    /** With the default control-plane settings. */
    public GatewayConfig(String host, int port, String adminHost, int adminPort, Path dataDir, Path pluginsDir,
                         Optional<String> dbUrl, String dbUser, String dbPassword, int dbPoolSize,
                         Optional<String> adminToken, Optional<String> masterKey, long maxBodyBytes,
                         Duration drainGrace, Duration requestTimeout, int maxAttempts) {
        this(host, port, adminHost, adminPort, dataDir, pluginsDir, dbUrl, dbUser, dbPassword, dbPoolSize, adminToken,
                masterKey, maxBodyBytes, drainGrace, requestTimeout, maxAttempts, ControlConfig.defaults(),
                PortalConfig.defaults(), PluginConfig.defaults(), ListenerConfig.defaults(), ResponseProfile.FULL,
                ResponsesConfig.defaults(), Duration.ZERO);
    }

    /** Every setting but MB_RESPONSE_PROFILE, which is full. */
    public GatewayConfig(String host, int port, String adminHost, int adminPort, Path dataDir, Path pluginsDir,
                         Optional<String> dbUrl, String dbUser, String dbPassword, int dbPoolSize,
                         Optional<String> adminToken, Optional<String> masterKey, long maxBodyBytes,
                         Duration drainGrace, Duration requestTimeout, int maxAttempts, ControlConfig control,
                         PortalConfig portal, PluginConfig plugins, ListenerConfig listener) {
        this(host, port, adminHost, adminPort, dataDir, pluginsDir, dbUrl, dbUser, dbPassword, dbPoolSize, adminToken,
                masterKey, maxBodyBytes, drainGrace, requestTimeout, maxAttempts, control, portal, plugins, listener,
                ResponseProfile.FULL, ResponsesConfig.defaults(), Duration.ZERO);
    }

    /** Every setting but the Responses API storage, which takes its defaults. */
    public GatewayConfig(String host, int port, String adminHost, int adminPort, Path dataDir, Path pluginsDir,
                         Optional<String> dbUrl, String dbUser, String dbPassword, int dbPoolSize,
                         Optional<String> adminToken, Optional<String> masterKey, long maxBodyBytes,
                         Duration drainGrace, Duration requestTimeout, int maxAttempts, ControlConfig control,
                         PortalConfig portal, PluginConfig plugins, ListenerConfig listener,
                         ResponseProfile responseProfile) {
        this(host, port, adminHost, adminPort, dataDir, pluginsDir, dbUrl, dbUser, dbPassword, dbPoolSize, adminToken,
                masterKey, maxBodyBytes, drainGrace, requestTimeout, maxAttempts, control, portal, plugins, listener,
                responseProfile, ResponsesConfig.defaults(), Duration.ZERO);
    }

    public GatewayConfig withControl(ControlConfig settings) {
        return new GatewayConfig(host, port, adminHost, adminPort, dataDir, pluginsDir, dbUrl, dbUser, dbPassword,
                dbPoolSize, adminToken, masterKey, maxBodyBytes, drainGrace, requestTimeout, maxAttempts, settings,
                portal, plugins, listener, responseProfile, responses, usageRetention);
    }

    public GatewayConfig withPortal(PortalConfig settings) {
        return new GatewayConfig(host, port, adminHost, adminPort, dataDir, pluginsDir, dbUrl, dbUser, dbPassword,
                dbPoolSize, adminToken, masterKey, maxBodyBytes, drainGrace, requestTimeout, maxAttempts, control,
                settings, plugins, listener, responseProfile, responses, usageRetention);
    }

    public GatewayConfig withPlugins(PluginConfig settings) {
        return new GatewayConfig(host, port, adminHost, adminPort, dataDir, pluginsDir, dbUrl, dbUser, dbPassword,
                dbPoolSize, adminToken, masterKey, maxBodyBytes, drainGrace, requestTimeout, maxAttempts, control,
                portal, settings, listener, responseProfile, responses, usageRetention);
    }

    /** With another MB_USAGE_RETENTION_DAYS. */
    public GatewayConfig withUsageRetention(Duration retention) {
        return new GatewayConfig(host, port, adminHost, adminPort, dataDir, pluginsDir, dbUrl, dbUser, dbPassword,
                dbPoolSize, adminToken, masterKey, maxBodyBytes, drainGrace, requestTimeout, maxAttempts, control,
                portal, plugins, listener, responseProfile, responses, retention);
    }

    /** With another MB_REQUEST_TIMEOUT_SECONDS: the longest one upstream call may take. */
    public GatewayConfig withRequestTimeout(Duration timeout) {
        return new GatewayConfig(host, port, adminHost, adminPort, dataDir, pluginsDir, dbUrl, dbUser, dbPassword,
                dbPoolSize, adminToken, masterKey, maxBodyBytes, drainGrace, timeout, maxAttempts, control, portal,
                plugins, listener, responseProfile, responses, usageRetention);
    }

    public GatewayConfig withListener(ListenerConfig settings) {
        return new GatewayConfig(host, port, adminHost, adminPort, dataDir, pluginsDir, dbUrl, dbUser, dbPassword,
                dbPoolSize, adminToken, masterKey, maxBodyBytes, drainGrace, requestTimeout, maxAttempts, control,
                portal, plugins, settings, responseProfile, responses, usageRetention);
    }

    /** The same gateway on another (external) database, e.g. a second instance on the first one's. */
    public GatewayConfig withDatabase(String url, String user, String password) {
        return new GatewayConfig(host, port, adminHost, adminPort, dataDir, pluginsDir, Optional.of(url), user,
                password, dbPoolSize, adminToken, masterKey, maxBodyBytes, drainGrace, requestTimeout, maxAttempts,
                control, portal, plugins, listener, responseProfile, responses, usageRetention);
    }

    /** Reads MB_* variables; unset ones take the documented defaults. */
    public static GatewayConfig fromEnvironment(Map<String, String> env) {
        Env e = new Env(env);
        int maxBodyBytes = e.integer("MB_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES);
        Path dataDir = Path.of(e.text("MB_DATA_DIR", "data")).toAbsolutePath().normalize();
        Optional<PostgresUrl> db = databaseUrl(e);
        return new GatewayConfig(
                e.text("MB_HOST", "127.0.0.1"),
                e.integer("MB_PORT", 8080),
                e.text("MB_ADMIN_HOST", "127.0.0.1"),
                e.integer("MB_ADMIN_PORT", 8081),
                dataDir,
                Path.of(e.text("MB_PLUGINS_DIR", dataDir.resolve("plugins").toString())).toAbsolutePath().normalize(),
                db.map(PostgresUrl::jdbcUrl),
                e.optional("MB_DB_USER").or(() -> db.flatMap(PostgresUrl::user)).orElse("postgres"),
                e.optional("MB_DB_PASSWORD").or(() -> db.flatMap(PostgresUrl::password)).orElse(""),
                e.integer("MB_DB_POOL_SIZE", 8),
                e.optional("MB_ADMIN_TOKEN"),
                e.optional("MB_MASTER_KEY"),
                maxBodyBytes,
                Duration.ofSeconds(e.integer("MB_DRAIN_SECONDS", 30)),
                Duration.ofSeconds(e.integer("MB_REQUEST_TIMEOUT_SECONDS", 600)),
                e.integer("MB_MAX_ATTEMPTS", 3),
                new ControlConfig(ControlConfig.distributed(e.optional("MB_RATE_LIMITS")),
                        ControlConfig.failOpen(e.optional("MB_RATE_LIMITS_ON_STORE_FAILURE")),
                        e.integer("MB_BREAKER_FAILURES", 5),
                        Duration.ofSeconds(e.integer("MB_BREAKER_OPEN_SECONDS", 30)),
                        e.decimal("MB_QUOTA_LEASE_CREDITS", BigDecimal.ONE),
                        e.integer("MB_DEFAULT_MAX_TOKENS", 4096),
                        e.optional("MB_INSTANCE_ID"),
                        ControlConfig.redis(e.optional("MB_RATE_LIMITS"))),
                PortalConfig.fromEnvironment(e),
                PluginConfig.fromEnvironment(e),
                ListenerConfig.fromEnvironment(e, maxBodyBytes),
                responseProfile(e),
                ResponsesConfig.fromEnvironment(e),
                Duration.ofDays(e.integer("MB_USAGE_RETENTION_DAYS", 0)));
    }

    /** MB_DB_URL (JDBC or libpq form) with MB_DB_SCHEMA, or empty for the embedded database. */
    private static Optional<PostgresUrl> databaseUrl(Env e) {
        Optional<PostgresUrl> url = e.optional("MB_DB_URL").map(PostgresUrl::parse);
        Optional<String> schema = e.optional("MB_DB_SCHEMA");
        if (schema.isEmpty()) {
            return url;
        }
        return Optional.of(url.orElseThrow(() -> new IllegalArgumentException(
                "MB_DB_SCHEMA needs MB_DB_URL: the embedded database keeps its tables in public"))
                .withSchema(schema.get()));
    }

    /** MB_RESPONSE_PROFILE: the fields of answers for keys that choose no profile of their own; full by default. */
    private static ResponseProfile responseProfile(Env e) {
        Optional<String> name = e.optional("MB_RESPONSE_PROFILE");
        return name.map(n -> ResponseProfile.parse(n).orElseThrow(() -> new IllegalArgumentException(
                "MB_RESPONSE_PROFILE must be full or classic, got '" + n + "'"))).orElse(ResponseProfile.FULL);
    }

    /** With another MB_MAX_BODY_BYTES. */
    public GatewayConfig withMaxBodyBytes(long bytes) {
        return new GatewayConfig(host, port, adminHost, adminPort, dataDir, pluginsDir, dbUrl, dbUser, dbPassword,
                dbPoolSize, adminToken, masterKey, bytes, drainGrace, requestTimeout, maxAttempts, control,
                portal, plugins, listener, responseProfile, responses, usageRetention);
    }

    /** With another MB_RESPONSE_PROFILE. */
    public GatewayConfig withResponseProfile(ResponseProfile profile) {
        return new GatewayConfig(host, port, adminHost, adminPort, dataDir, pluginsDir, dbUrl, dbUser, dbPassword,
                dbPoolSize, adminToken, masterKey, maxBodyBytes, drainGrace, requestTimeout, maxAttempts, control,
                portal, plugins, listener, profile, responses, usageRetention);
    }

    /** With other Responses API storage settings (retention, size cap). */
    public GatewayConfig withResponses(ResponsesConfig settings) {
        return new GatewayConfig(host, port, adminHost, adminPort, dataDir, pluginsDir, dbUrl, dbUser, dbPassword,
                dbPoolSize, adminToken, masterKey, maxBodyBytes, drainGrace, requestTimeout, maxAttempts, control,
                portal, plugins, listener, responseProfile, settings, usageRetention);
    }

    private static void requirePort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be a port number (0-65535), got " + port);
        }
    }

    /** The MB_* variables: a blank one counts as unset, a bad number names its variable. */
    record Env(Map<String, String> vars) {
        Optional<String> optional(String name) {
            return Optional.ofNullable(vars.get(name)).map(String::strip).filter(v -> !v.isEmpty());
        }

        String text(String name, String fallback) {
            return optional(name).orElse(fallback);
        }

        BigDecimal decimal(String name, BigDecimal fallback) {
            Optional<String> v = optional(name);
            try {
                return v.isPresent() ? new BigDecimal(v.get()) : fallback;
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(name + " must be a number, got '" + v.get() + "'");
            }
        }

        long wholeNumber(String name, long fallback) {
            Optional<String> v = optional(name);
            try {
                return v.isPresent() ? Long.parseLong(v.get()) : fallback;
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(name + " must be a whole number, got '" + v.get() + "'");
            }
        }

        int integer(String name, int fallback) {
            long value = wholeNumber(name, fallback);
            if (value != (int) value) {
                throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
            }
            return (int) value;
        }
    }
}
