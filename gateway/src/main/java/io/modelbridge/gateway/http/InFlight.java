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
 * Counts requests in flight (streams included, until their last byte) so shutdown can wait for them. A graceful stop
 * goes in two steps: first /readyz turns 503 while requests are still served (load balancers take the instance out
 * of rotation), then new requests are turned away with a 503 that clients retry elsewhere.
 */
public final class InFlight implements Filter {
    /** Seconds a turned-away client should wait: another instance, or this one restarted, takes the retry. */
    static final String RETRY_AFTER_SECONDS = "1";
    private final AtomicInteger count = new AtomicInteger();
    private final ErrorWriter errors;
    private volatile boolean leaving;
    private volatile boolean draining;

    public InFlight(ErrorWriter errors) {
        this.errors = errors;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        count.incrementAndGet(); // counted before the check: a request let in is always one drain waits for
        try {
            if (draining) {
                refuse(req, res);
                return;
            }
            chain.proceed();
        } finally {
            count.decrementAndGet();
        }
    }

    /** The answer to a request that came after the drain began: identified like every other answer. */
    private void refuse(RoutingRequest req, RoutingResponse res) {
        String own = RequestIds.fresh();
        String client = RequestIds.client(req.headers().first(RequestIds.HEADER));
        res.header(RequestIds.HEADER, client != null ? client : own);
        res.header(RequestIds.OWN_HEADER, own);
        res.header("Connection", "close");
        errors.write(res, ApiError.serverError(503, "shutting_down", "The gateway is shutting down; retry."),
                Map.of("Retry-After", RETRY_AFTER_SECONDS));
    }

    /** True from the start of a graceful stop: /readyz answers 503 though requests are still served. */
    public boolean leaving() {
        return leaving;
    }

    /** First step of a graceful stop: not ready any more, still serving. */
    public void leave() {
        leaving = true;
    }

    public boolean draining() {
        return draining;
    }

    public int count() {
        return count.get();
    }

    /** Stops taking requests and waits until those in flight end or the grace period runs out; true if all ended. */
    public boolean drain(Duration grace) throws InterruptedException {
        leaving = true;
        draining = true;
        long deadline = System.nanoTime() + grace.toNanos();
        while (count.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return count.get() == 0;
    }
}
