package io.modelbridge.testkit;

import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;

/**
 * Checks that a plugin's mapper takes its parser buffers from a pool shared by all threads. Under Jackson's default
 * thread-local pool every virtual thread relaying a stream keeps its own buffers (about 25 KiB) for as long as it
 * lives; with a shared pool a buffer released on one thread is the one the next thread gets.
 */
public final class JsonBufferPools {
    private JsonBufferPools() {}

    public static void assertSharedAcrossThreads(ObjectMapper mapper) {
        RecyclerPool<BufferRecycler> pool = mapper.getFactory()._getRecyclerPool();
        Callable<BufferRecycler> borrowAndReturn = () -> {
            BufferRecycler recycler = pool.acquireAndLinkPooled();
            recycler.releaseToPool();
            return recycler;
        };
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            BufferRecycler first = threads.submit(borrowAndReturn).get();
            BufferRecycler second = threads.submit(borrowAndReturn).get();
            assertSame(first, second, "a second virtual thread reuses the buffers the first one returned ("
                    + pool.getClass().getSimpleName() + ")");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
