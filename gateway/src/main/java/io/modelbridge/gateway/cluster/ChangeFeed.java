package io.modelbridge.gateway.cluster;

import io.modelbridge.db.Database;
import io.modelbridge.gateway.cluster.ChangeListener.Topic;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admin changes across instances, over PostgreSQL LISTEN/NOTIFY. A change {@link #publish}es its topics in its own
 * transaction; the feed listens on the deployment's {@link #channel} on a connection of its own and tells the listener
 * of every change committed by any instance on the database, this one included, usually within milliseconds. After
 * losing the connection it reconnects and announces every topic, because changes may have been missed meanwhile.
 *
 * <p>A connection that falls silent (a NAT or firewall dropped the flow: no error, no RST) looks like one with nothing
 * to say, and TCP keepalive notices it only after hours; so after {@link #PROBE_AFTER} without a word the feed asks
 * the server for an answer within {@link #PROBE_TIMEOUT_SECONDS}, and reconnects without one.
 */
public final class ChangeFeed implements AutoCloseable {
    /** The channel of admin changes to the tables in schema public. */
    static final String CHANNEL = "modelbridge_changes";
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    private static final int WAIT_MILLIS = 500;
    static final Duration PROBE_AFTER = Duration.ofSeconds(5);
    static final int PROBE_TIMEOUT_SECONDS = 5;
    private final Database db;
    private final ChangeListener listener;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection connection;

    public ChangeFeed(Database db, ChangeListener listener) {
        this.db = db;
        this.listener = listener;
        this.thread = Thread.ofPlatform().daemon().name("change-feed").unstarted(this::run);
    }

    /**
     * The channel of the deployment whose tables are in {@code schema}: channels are per database, not per schema,
     * so deployments in two schemas of one database must not hear each other's changes. At most 63 characters, the
     * longest name PostgreSQL takes ({@code schema} is a plain lower-case name, see PostgresUrl).
     */
    static String channel(String schema) {
        String channel = schema.equals("public") ? CHANNEL : CHANNEL + "_" + schema;
        return channel.length() <= 63 ? channel : channel.substring(0, 63);
    }

    /** Announces {@code topic} to every instance's feed when {@code tx}, the change's transaction, commits. */
    public static void publish(DSLContext tx, String schema, Topic topic) {
        tx.execute("select pg_notify({0}, {1})", DSL.val(channel(schema)), DSL.val(topic.name()));
    }

    /** Starts listening; returns once LISTEN is in place, so no change committed after it is missed. */
    public ChangeFeed start() {
        try {
            connection = listen();
        } catch (SQLException e) {
            LOG.warn("Cannot listen for changes yet ({}); will retry", e.getMessage());
        }
        thread.start();
        return this;
    }

    private Connection listen() throws SQLException {
        Connection c = db.openDedicatedConnection();
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN " + channel(db.schema()));
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void run() {
        long heardAt = System.nanoTime();
        while (running) {
            try {
                if (connection == null) {
                    connection = listen();
                    heardAt = System.nanoTime();
                    announce(Topic.values());
                }
                PGNotification[] notes = connection.unwrap(PGConnection.class).getNotifications(WAIT_MILLIS);
                if (notes != null && notes.length > 0) {
                    heardAt = System.nanoTime();
                    for (PGNotification n : notes) {
                        dispatch(n.getParameter());
                    }
                } else if (System.nanoTime() - heardAt > PROBE_AFTER.toNanos()) {
                    if (!connection.isValid(PROBE_TIMEOUT_SECONDS)) {
                        throw new SQLException("no answer within " + PROBE_TIMEOUT_SECONDS + " s");
                    }
                    heardAt = System.nanoTime();
                }
            } catch (SQLException | RuntimeException | Error e) { // an Error too: this thread is the only listener
                if (!running) {
                    return;
                }
                LOG.warn("Change feed lost its database connection ({}); reconnecting", e.toString());
                closeQuietly();
                sleep();
            }
        }
    }

    private void dispatch(String payload) {
        try {
            announce(Topic.valueOf(payload));
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring a change notification with an unknown topic '{}'", payload);
        }
    }

    private void announce(Topic... topics) {
        for (Topic topic : topics) {
            try {
                listener.changed(topic);
            } catch (RuntimeException e) {
                LOG.error("Reloading after a {} change failed", topic, e);
            }
        }
    }

    private void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void closeQuietly() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(WAIT_MILLIS * 3L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly();
    }
}
