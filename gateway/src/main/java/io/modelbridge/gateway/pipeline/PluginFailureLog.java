package io.modelbridge.gateway.pipeline;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs plugin failures with their stack trace at most once per {@link #WINDOW} for each plugin version and kind of
 * failure; the ones in between are counted and their number logged with the next trace. A broken plugin fails every
 * request the same way: one trace a minute says it all.
 */
final class PluginFailureLog {
    static final Duration WINDOW = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(Failover.class);
    private static final int MAX_KINDS = 1_000;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    void report(String plugin, String provider, String channel, Throwable failure) {
        Throwable shown = failure instanceof PluginError ? failure.getCause() : failure;
        if (windows.size() >= MAX_KINDS) {
            windows.clear();
        }
        Window w = windows.computeIfAbsent(plugin + " " + shown.getClass().getName(), k -> new Window());
        long suppressed = w.tryOpen();
        if (suppressed >= 0) {
            LOG.error("Request {}: plugin {} for provider {} failed on channel {} ({} similar failure(s) not logged"
                    + " in the last {} s)", RequestContext.id(), plugin, provider, channel, suppressed,
                    WINDOW.toSeconds(), shown);
        }
    }

    private static final class Window {
        private final AtomicLong opensAtNanos = new AtomicLong(System.nanoTime());
        private final AtomicLong suppressed = new AtomicLong();

        /** The number of failures not logged since the last trace when this one is to be logged, else -1. */
        long tryOpen() {
            long now = System.nanoTime();
            long at = opensAtNanos.get();
            if (now - at >= 0 && opensAtNanos.compareAndSet(at, now + WINDOW.toNanos())) {
                return suppressed.getAndSet(0);
            }
            suppressed.incrementAndGet();
            return -1;
        }
    }
}
