package io.modelbridge.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelbridge.db.Database;
import io.modelbridge.db.DbSettings;
import io.modelbridge.gateway.cluster.ChangeListener.Topic;
import java.nio.file.Path;
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
 * listening feed at commit, never after a rollback, and only on the deployment's own channel.
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
}
