package io.modelbridge.gateway.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RandomIdsTest {

    @Test
    void urlSafeBase64OfTheGivenNumberOfBytes() {
        assertTrue(RandomIds.base64Url(12).matches("[A-Za-z0-9_-]{16}"));
        assertTrue(RandomIds.base64Url(9).matches("[A-Za-z0-9_-]{12}"));
        assertTrue(RandomIds.base64Url(18).matches("[A-Za-z0-9_-]{24}"));
        assertEquals(43, RandomIds.base64Url(32).length());
        assertEquals(1366, RandomIds.base64Url(1024).length(), "larger draws come straight from the source");
    }

    /**
     * Issue 16: a usage row's key is its request id. Random keys sent every insert down the primary key's B-tree to a
     * random leaf (PostgreSQL 16 µs per request with wrk); keys in time order go to its rightmost leaf (9.5 µs).
     */
    @Test
    void timeOrderedIdsSortAsTheirTimesByteByByte() {
        long[] times = {0, 1, 63, 64, 4095, 4096, 1_700_000_000_000L, 1_700_000_000_001L, 1_800_000_000_000L,
                (1L << 48) - 1};
        String previous = null;
        for (long t : times) {
            String id = RandomIds.timeOrdered(t, 12);
            assertTrue(id.matches("[A-Za-z0-9_-]{24}"), id);
            if (previous != null) {
                assertTrue(previous.compareTo(id) < 0 && previous.substring(0, 8).compareTo(id.substring(0, 8)) < 0,
                        previous + " sorts before " + id);
            }
            previous = id;
        }
        String now = RandomIds.timeOrdered(1_800_000_000_000L, 12);
        assertEquals(now.substring(0, 8), RandomIds.timeOrdered(1_800_000_000_000L, 12).substring(0, 8));
        assertTrue(!now.substring(8).equals(RandomIds.timeOrdered(1_800_000_000_000L, 12).substring(8)),
                "the same millisecond's ids differ in their random part");
    }

    @Test
    void idsDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertTrue(seen.add(RandomIds.base64Url(9)));
        }
    }

    @Test
    void idsDrawnFromManyThreadsAtOnceDoNotRepeat() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 5_000; i++) {
                        assertTrue(seen.add(RandomIds.base64Url(12)));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertEquals(80_000, seen.size());
    }

    /** Issue 16: the default NativePRNG read /dev/urandom every few dozen ids; a request takes two. */
    @Test
    void idsCostNoSystemCall() throws IOException {
        RandomIds.base64Url(12); // seeded
        long before = readSyscalls();
        for (int i = 0; i < 20_000; i++) {
            RandomIds.base64Url(12);
        }
        long reads = readSyscalls() - before;
        assertTrue(reads < 50, reads + " read system calls for 20,000 ids");
    }

    /** The read system calls this thread has made (/proc/thread-self/io): the test JVM's other threads read too. */
    private static long readSyscalls() throws IOException {
        return Files.readAllLines(Path.of("/proc/thread-self/io")).stream().filter(l -> l.startsWith("syscr:"))
                .mapToLong(l -> Long.parseLong(l.substring(6).trim())).findFirst().orElseThrow();
    }
}
