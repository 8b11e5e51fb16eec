package io.modelbridge.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.db.Database;
import io.modelbridge.db.DbSettings;
import io.modelbridge.db.repo.ApiKey;
import io.modelbridge.db.repo.ApiKeyRepository;
import io.modelbridge.gateway.error.GatewayException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key lookups on the real database, one of them made slow: it must not hold up another key's lookup, even one
 * that falls in the same bin of the cache's hash table (where a lookup inside the map's compute would wait).
 */
@Tag("it")
@Timeout(60)
@Tag("alone")
class KeyLookupIT {
    @TempDir
    static Path dataDir;
    static Database db;
    static ApiKeyRepository keys;

    @BeforeAll
    static void start() {
        db = Database.start(DbSettings.embedded(dataDir));
        keys = new ApiKeyRepository(db.dsl());
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    /** ConcurrentHashMap's bin of a key's hash in tables of up to 1024 bins. */
    private static int bin(String secret) {
        int h = ByteBuffer.wrap(ApiKeys.hash(secret)).hashCode();
        return (h ^ (h >>> 16)) & 1023;
    }

    /** Two made-up secrets whose hashes share a bin. */
    private static String[] collidingSecrets() {
        String first = "mb-slow-0";
        for (int i = 1; ; i++) {
            String other = "mb-other-" + i;
            if (bin(other) == bin(first)) {
                return new String[] {first, other};
            }
        }
    }

    @Test
    void aSlowLookupOfOneKeyDoesNotBlockAnotherKeysLookup() throws Exception {
        String[] secrets = collidingSecrets();
        byte[] slowHash = ApiKeys.hash(secrets[0]);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger slowReads = new AtomicInteger();
        Function<byte[], Optional<ApiKey>> find = hash -> {
            if (Arrays.equals(hash, slowHash)) {
                slowReads.incrementAndGet();
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS); // a database that takes its time for this key
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return keys.findByHash(hash);
        };
        KeyAuthenticator auth = new KeyAuthenticator(find, Clock.systemUTC(), new LastUsedTracker(keys));
        InetAddress client = InetAddress.getLoopbackAddress();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> slow = threads.submit(() -> auth.authenticate(Optional.of("Bearer " + secrets[0]), client));
            Future<?> sameKey = threads.submit(() -> auth.authenticate(Optional.of("Bearer " + secrets[0]), client));
            assertTrue(entered.await(10, TimeUnit.SECONDS), "the slow lookup began");
            Future<GatewayException> other = threads.submit(() -> assertThrows(GatewayException.class,
                    () -> auth.authenticate(Optional.of("Bearer " + secrets[1]), client)));
            try {
                long started = System.nanoTime();
                GatewayException unknown = other.get(3, TimeUnit.SECONDS);
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertEquals(401, unknown.error().status(), "the other key was looked up and is unknown");
                assertTrue(millis < 2000, "answered in " + millis + " ms");
                assertTrue(!slow.isDone(), "the slow lookup is still reading");
            } finally {
                release.countDown();
            }
            assertThrows(java.util.concurrent.ExecutionException.class, () -> slow.get(10, TimeUnit.SECONDS));
            assertThrows(java.util.concurrent.ExecutionException.class, () -> sameKey.get(10, TimeUnit.SECONDS));
            assertEquals(1, slowReads.get(), "two concurrent lookups of one key share one read");
        }
    }
}
