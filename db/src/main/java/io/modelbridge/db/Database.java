package io.modelbridge.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
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

    private final EmbeddedServer embedded; // null for an external database
    private final HikariDataSource pool;
    private final DSLContext dsl;
    private final String jdbcUrl;

    private Database(EmbeddedServer embedded, HikariDataSource pool, String jdbcUrl) {
        this.embedded = embedded;
        this.pool = pool;
        this.jdbcUrl = jdbcUrl;
        this.dsl = DSL.using(pool, SQLDialect.POSTGRES, new Settings().withExecuteLogging(false));
    }

    public static Database start(DbSettings settings) {
        if (!settings.embedded()) {
            LOG.info("Using the external PostgreSQL at {}", redact(settings.jdbcUrl()));
            HikariDataSource pool = pool(settings.jdbcUrl(), settings.user(), settings.password(), settings);
            return migrated(null, pool, settings.jdbcUrl());
        }
        EmbeddedServer server = EmbeddedServer.start(settings.dataDir());
        try {
            LOG.info("Using the embedded PostgreSQL in {} at {}", server.directory(), server.jdbcUrl());
            HikariDataSource pool = pool(server.jdbcUrl(), server.user(), null, settings);
            return migrated(server, pool, server.jdbcUrl());
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static Database migrated(EmbeddedServer server, HikariDataSource pool, String url) {
        try {
            Migrator.migrate(pool);
            return new Database(server, pool, url);
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
        return new HikariDataSource(config);
    }

    public DSLContext dsl() {
        return dsl;
    }

    public DataSource dataSource() {
        return pool;
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
        return DriverManager.getConnection(jdbcUrl, pool.getUsername(), pool.getPassword());
    }

    /** Closes the pool, then stops the embedded server if there is one. */
    @Override
    public void close() {
        pool.close();
        if (embedded != null) {
            embedded.close();
        }
    }

    /** The URL without its query string or user info, where passwords hide. */
    static String redact(String jdbcUrl) {
        return jdbcUrl.replaceFirst("\\?.*$", "").replaceFirst("//[^/@]*@", "//");
    }
}
