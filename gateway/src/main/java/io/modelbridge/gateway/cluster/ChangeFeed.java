package io.modelbridge.gateway.cluster;

import io.modelbridge.db.Database;
import io.modelbridge.gateway.config.ChangeListener;
import io.modelbridge.gateway.config.ChangeListener.Topic;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on PostgreSQL's {@link ChangeListener#channel} channel (LISTEN/NOTIFY) on a connection of its own and
 * tells the listener of every admin change committed by any instance on the database, this one included, usually
 * within milliseconds. After losing the connection it reconnects and announces every topic, because changes may
 * have been missed meanwhile.
 */
public final class ChangeFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    private static final int WAIT_MILLIS = 500;
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
            s.execute("LISTEN " + ChangeListener.channel(db.schema()));
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void run() {
        while (running) {
            try {
                if (connection == null) {
                    connection = listen();
                    announce(Topic.values());
                }
                PGNotification[] notes = connection.unwrap(PGConnection.class).getNotifications(WAIT_MILLIS);
                if (notes != null) {
                    for (PGNotification n : notes) {
                        dispatch(n.getParameter());
                    }
                }
            } catch (SQLException e) {
                if (!running) {
                    return;
                }
                LOG.warn("Change feed lost its database connection ({}); reconnecting", e.getMessage());
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
