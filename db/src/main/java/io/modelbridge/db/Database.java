package io.modelbridge.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.MappedSchema;
import org.jooq.conf.RenderMapping;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's database: the embedded PostgreSQL or an external one, a small HikariCP pool, and the schema
 * migrated by Liquibase at start.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration IDLE_IN_TRANSACTION_TIMEOUT = Duration.ofSeconds(60);
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(45);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How often the embedded server is checked, and restarted when it died. */
    private static final Duration WATCH_EVERY = Duration.ofMillis(500);

    private final EmbeddedServer embedded; // null for an external database
    private final HikariDataSource pool;
    private final DSLContext dsl;
    private final String jdbcUrl;
    private final String applicationName;
    private final String schema;

    private final ScheduledExecutorService watchdog; // null for an external database

    private Database(EmbeddedServer embedded, HikariDataSource pool, String jdbcUrl, DbSettings settings) {
        this.embedded = embedded;
        this.pool = pool;
        this.jdbcUrl = jdbcUrl;
        this.applicationName = settings.applicationName();
        this.schema = settings.schema();
        this.dsl = DSL.using(pool, SQLDialect.POSTGRES, jooqSettings(settings.schema()));
        if (embedded == null) {
            this.watchdog = null;
        } else {
            this.watchdog = Executors.newSingleThreadScheduledExecutor(
                    r -> Thread.ofPlatform().daemon().name("embedded-pg-watchdog").unstarted(r));
            watchdog.scheduleWithFixedDelay(this::restartEmbeddedIfDead, WATCH_EVERY.toMillis(), WATCH_EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void restartEmbeddedIfDead() {
        try {
            if (embedded.restartIfDead()) {
                pool.getHikariPoolMXBean().softEvictConnections(); // connections to the dead server are useless
            }
        } catch (RuntimeException | Error e) { // an Error too: it would cancel the watch for good
            LOG.error("Watching the embedded PostgreSQL failed: {}", e.toString());
        }
    }

    /**
     * The generated code names schema {@code public}; on another schema every query names that one instead. (Raw SQL
     * and Bucket4j name no schema: the connections' currentSchema, from the URL, puts them in the same place.)
     */
    static Settings jooqSettings(String schema) {
        Settings settings = new Settings().withExecuteLogging(false);
        if (schema.equals(PostgresUrl.DEFAULT_SCHEMA)) {
            return settings;
        }
        return settings.withRenderMapping(new RenderMapping().withSchemata(
                new MappedSchema().withInput(PostgresUrl.DEFAULT_SCHEMA).withOutput(schema)));
    }

    public static Database start(DbSettings settings) {
        if (!settings.embedded()) {
            LOG.info("Using the external PostgreSQL at {} as {}, schema {}", PostgresUrl.redact(settings.jdbcUrl()),
                    settings.user(), settings.schema());
            HikariDataSource pool = pool(settings.jdbcUrl(), settings.user(), settings.password(), settings);
            return migrated(null, pool, settings.jdbcUrl(), settings);
        }
        EmbeddedServer server = EmbeddedServer.start(settings.dataDir());
        try {
            LOG.info("Using the embedded PostgreSQL in {} at {}", server.directory(), server.jdbcUrl());
            HikariDataSource pool = pool(server.jdbcUrl(), server.user(), server.password(), settings);
            return migrated(server, pool, server.jdbcUrl(), settings);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static Database migrated(EmbeddedServer server, HikariDataSource pool, String url, DbSettings settings) {
        try {
            // On a connection of its own, which waits for the server as long as the driver's connect and login
            // timeouts: the pool gives up after 2 s (right for a request), which a cold start's first connection on a
            // busy machine can take while the server is fine (DeployTopologyIT's rolling restart).
            Migrator.migrate(() -> dedicatedConnection(url, pool.getUsername(), pool.getPassword(),
                    settings.applicationName()), settings.schema());
            return new Database(server, pool, url, settings);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static HikariDataSource pool(String url, String user, String password, DbSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("modelbridge-db");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(settings.maxPoolSize());
        config.setMinimumIdle(Math.min(2, settings.maxPoolSize()));
        config.setConnectionTimeout(2_000); // a request needing a dead database fails fast with a 503
        // No connection attempt (and no logged stack trace) here: the migration's first connection reports a failure.
        config.setInitializationFailTimeout(-1);
        connectionProperties(settings.applicationName()).forEach((k, v) -> config.addDataSourceProperty((String) k, v));
        return new HikariDataSource(config);
    }

    /**
     * Bounds on every connection, pooled or dedicated, so no request or writer waits forever on a dead server or a
     * half-open TCP connection: the server cancels a statement after {@link #STATEMENT_TIMEOUT}; the driver gives up
     * on a socket silent for {@link #SOCKET_TIMEOUT} (longer, so the server's cancel normally comes first), and on a
     * connect after {@link #CONNECT_TIMEOUT}; TCP keepalive finds peers that vanished. Each connection carries the
     * instance's name as application_name, so pg_stat_activity tells the instances apart.
     */
    static Properties connectionProperties(String applicationName) {
        Properties p = new Properties();
        if (applicationName != null) {
            p.setProperty("ApplicationName", applicationName);
        }
        p.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT.toSeconds()));
        p.setProperty("loginTimeout", String.valueOf(CONNECT_TIMEOUT.toSeconds()));
        p.setProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT.toSeconds()));
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("options", "-c statement_timeout=" + STATEMENT_TIMEOUT.toMillis()
                + " -c idle_in_transaction_session_timeout=" + IDLE_IN_TRANSACTION_TIMEOUT.toMillis());
        return p;
    }

    public DSLContext dsl() {
        return dsl;
    }

    public DataSource dataSource() {
        return pool;
    }

    /** The schema the tables are in (MB_DB_SCHEMA, the URL's currentSchema, else public). */
    public String schema() {
        return schema;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The user the pool connects as (to connect another gateway instance to the same database). */
    public String user() {
        return pool.getUsername();
    }

    /**
     * A connection outside the pool, for a session that lives as long as the gateway (LISTEN); the caller closes
     * it. Holding a pooled connection that long would shrink the pool for requests.
     */
    public Connection openDedicatedConnection() throws SQLException {
        return dedicatedConnection(jdbcUrl, pool.getUsername(), pool.getPassword(), applicationName);
    }

    private static Connection dedicatedConnection(String url, String user, String password, String applicationName)
            throws SQLException {
        Properties p = connectionProperties(applicationName);
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection(url, p);
    }

    /** The password the pool connects with (the embedded role's is generated; see {@link DbSecrets}). */
    public String password() {
        return pool.getPassword();
    }

    /** Closes the pool, then stops the embedded server if there is one. */
    @Override
    public void close() {
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
        pool.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
