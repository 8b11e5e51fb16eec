package io.modelbridge.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * Checks that a plugin's mapper takes its parser buffers from a pool shared by all threads. Under Jackson's default
 * thread-local pool every virtual thread relaying a stream keeps its own buffers (about 25 KiB) for as long as it
 * lives; with a shared pool a buffer released on one thread can be taken by the next.
 */
public final class JsonBufferPools {
    private JsonBufferPools() {}

    /**
     * Returns a recycler to the pool on one virtual thread, then borrows on another until that recycler comes back
     * (the pool may hold others, returned by earlier tests): under a thread-local pool it never does.
     */
    public static void assertSharedAcrossThreads(ObjectMapper mapper) {
        RecyclerPool<BufferRecycler> pool = mapper.getFactory()._getRecyclerPool();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            BufferRecycler returned = threads.submit(() -> {
                BufferRecycler recycler = pool.acquireAndLinkPooled();
                recycler.releaseToPool();
                return recycler;
            }).get();
            boolean reused = threads.submit(() -> {
                List<BufferRecycler> borrowed = new ArrayList<>();
                try {
                    for (int i = 0; i < 1000; i++) {
                        BufferRecycler recycler = pool.acquireAndLinkPooled();
                        borrowed.add(recycler);
                        if (recycler == returned) {
                            return true;
                        }
                    }
                    return false;
                } finally {
                    new HashSet<>(borrowed).forEach(BufferRecycler::releaseToPool);
                }
            }).get();
            assertTrue(reused, "another virtual thread got the buffers the first one returned ("
                    + pool.getClass().getSimpleName() + ")");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
