package io.modelbridge.gateway.http;

import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The request bodies held in memory at once, all connections together, within MB_BODY_MEMORY_BYTES. Each request's
 * {@link Hold} takes its body's bytes as they are read (a slow sender holds only what it has sent) and gives them back
 * when the request ends. A body that would go past the budget is refused 503 {@code server_busy} with Retry-After
 * before more of it is read: without the bound, 48 clients of one key sending 8 MiB bodies at once ran a 1.5 GiB heap
 * out of memory, failing other requests and threads.
 */
public final class BodyMemory {
    static final ApiError BUSY = ApiError.serverError(503, "server_busy",
            "The gateway holds as many request bodies in memory as it may (MB_BODY_MEMORY_BYTES); retry shortly.");
    private static final Map<String, String> RETRY_AFTER = Map.of("Retry-After", "1");
    private final long budget;
    private final AtomicLong held = new AtomicLong();

    BodyMemory(long budget) {
        this.budget = budget;
    }

    /** A request's share, empty until its body is read; closed when the request ends. */
    Hold hold() {
        return new Hold();
    }

    /** The bytes held now, by every request together (modelbridge_request_body_bytes_held). */
    public long held() {
        return held.get();
    }

    final class Hold implements AutoCloseable {
        private long bytes;

        private Hold() {}

        /** Takes {@code n} more bytes of the budget, or refuses the request when they are not there. */
        void take(long n) {
            long now;
            do {
                now = held.get();
                if (now + n > budget) {
                    throw new GatewayException(BUSY, RETRY_AFTER);
                }
            } while (!held.compareAndSet(now, now + n));
            bytes += n;
        }

        /** Gives back {@code n} of the bytes taken (a body shorter than the room taken for it). */
        void giveBack(long n) {
            held.addAndGet(-n);
            bytes -= n;
        }

        @Override
        public void close() {
            held.addAndGet(-bytes);
            bytes = 0;
        }
    }
}
