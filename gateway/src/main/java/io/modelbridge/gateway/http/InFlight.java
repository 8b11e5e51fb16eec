package io.modelbridge.gateway.http;

import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.ErrorWriter;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts requests in flight (streams included, until their last byte) so shutdown can wait for them; once
 * draining, new requests are turned away with a 503 that clients retry elsewhere.
 */
public final class InFlight implements Filter {
    private final AtomicInteger count = new AtomicInteger();
    private final ErrorWriter errors;
    private volatile boolean draining;

    public InFlight(ErrorWriter errors) {
        this.errors = errors;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        count.incrementAndGet(); // counted before the check: a request let in is always one drain waits for
        try {
            if (draining) {
                res.header("Connection", "close");
                errors.write(res, ApiError.serverError(503, "shutting_down", "The gateway is shutting down; retry."),
                        Map.of());
                return;
            }
            chain.proceed();
        } finally {
            count.decrementAndGet();
        }
    }

    public boolean draining() {
        return draining;
    }

    public int count() {
        return count.get();
    }

    /** Stops taking requests and waits until those in flight end or the grace period runs out; true if all ended. */
    public boolean drain(Duration grace) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + grace.toNanos();
        while (count.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return count.get() == 0;
    }
}
