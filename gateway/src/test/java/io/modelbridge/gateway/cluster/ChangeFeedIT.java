package io.modelbridge.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.db.Database;
import io.modelbridge.db.DbSettings;
import io.modelbridge.gateway.cluster.ChangeListener.Topic;
import io.modelbridge.gateway.it.PgProxy;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both ends of the change feed on a real PostgreSQL: a topic published in a change's transaction reaches the
 * listening feed at commit, never after a rollback, and only on the deployment's own channel; a feed whose connection
 * falls silent reconnects, reloads everything and hears changes again.
 */
@Tag("it")
@Timeout(60)
class ChangeFeedIT {
    @TempDir
    static Path dataDir;
    static Database db;
    static ChangeFeed feed;
    static final BlockingQueue<Topic> heard = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() {
        db = Database.start(DbSettings.embedded(dataDir));
        feed = new ChangeFeed(db, heard::add).start();
    }

    @AfterAll
    static void stop() {
        feed.close();
        db.close();
    }

    @Test
    void channelNamesArePerSchemaAndFitPostgres() {
        assertEquals("modelbridge_changes", ChangeFeed.channel("public"));
        assertEquals("modelbridge_changes_mb", ChangeFeed.channel("mb"));
        assertEquals(63, ChangeFeed.channel("s".repeat(80)).length());
    }

    @Test
    void aPublishedTopicArrivesAtCommitAndNeverAfterARollback() throws Exception {
        heard.clear();
        assertThrows(IllegalStateException.class, () -> db.dsl().transaction(tx -> {
            ChangeFeed.publish(tx.dsl(), db.schema(), Topic.KEYS);
            throw new IllegalStateException("rolled back");
        }));
        db.dsl().execute("select pg_notify('modelbridge_changes_elsewhere', 'PRICES')");
        db.dsl().transaction(tx -> ChangeFeed.publish(tx.dsl(), db.schema(), Topic.ROUTES));

        assertEquals(Topic.ROUTES, heard.poll(10, TimeUnit.SECONDS));
        assertNull(heard.poll(1, TimeUnit.SECONDS), "nothing from the rollback or another schema's channel");
    }

    @Test
    void aFeedWhoseConnectionFallsSilentReconnectsReloadsEverythingAndHearsChangesAgain() throws Exception {
        BlockingQueue<Topic> heardThere = new LinkedBlockingQueue<>();
        try (PgProxy proxy = PgProxy.toServerOf(db.jdbcUrl());
             Database proxied = Database.start(
                     new DbSettings(proxy.jdbcUrl(db.jdbcUrl()), db.user(), db.password(), null, 2, null));
             ChangeFeed there = new ChangeFeed(proxied, heardThere::add).start()) {
            db.dsl().transaction(tx -> ChangeFeed.publish(tx.dsl(), db.schema(), Topic.PRICES));
            assertEquals(Topic.PRICES, heardThere.poll(10, TimeUnit.SECONDS));

            proxy.silenceOpenConnections(); // no error, no RST: the feed's connection just stops answering
            long silentAt = System.nanoTime();
            Set<Topic> reloaded = EnumSet.noneOf(Topic.class);
            while (reloaded.size() < Topic.values().length) {
                Topic t = heardThere.poll(30, TimeUnit.SECONDS);
                assertTrue(t != null, "every topic announced after the silence; heard only " + reloaded);
                reloaded.add(t);
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - silentAt);
            // the probe's wait, its timeout, a second's pause before reconnecting, and room for a busy machine
            assertTrue(seconds <= ChangeFeed.PROBE_AFTER.toSeconds() + ChangeFeed.PROBE_TIMEOUT_SECONDS + 8,
                    "reconnected " + seconds + " s after the silence");

            db.dsl().transaction(tx -> ChangeFeed.publish(tx.dsl(), db.schema(), Topic.LIMITS));
            assertEquals(Topic.LIMITS, heardThere.poll(10, TimeUnit.SECONDS), "changes heard on the new connection");
        }
    }
}
