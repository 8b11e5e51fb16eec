package io.modelbridge.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Fixed request rate, open loop: request i is due at start + i/rate whatever happened to the others, and its
 * latency counts from that due time, so a stall delays (and is charged to) every request behind it instead of
 * silently sending fewer (no coordinated omission). A pool of workers, each with at most one request in flight on
 * its keep-alive connection, takes the due requests in turn.
 */
final class OpenLoop {
    private OpenLoop() {}

    static RequestResult run(Target target, int ratePerSecond, int connections, Duration duration)
            throws InterruptedException {
        AtomicLong tickets = new AtomicLong();
        long count = duration.toMillis() * ratePerSecond / 1000;
        long periodNanos = 1_000_000_000L / ratePerSecond;
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            workers.add(new Worker(new ChatCalls(target), tickets, count, periodNanos));
        }
        Workers.run("open-" + target.name(), workers);
        return Tally.merge(target.name(), workers.stream().map(w -> w.calls.tally).toList(), duration.toNanos() / 1e9);
    }

    private record Worker(ChatCalls calls, AtomicLong tickets, long count, long periodNanos) implements Workers.Body {
        @Override
        public void prepare() {
            calls.connect();
        }

        @Override
        public void run(long startNanos) {
            for (long i = tickets.getAndIncrement(); i < count; i = tickets.getAndIncrement()) {
                long due = startNanos + i * periodNanos;
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                calls.call(due);
            }
            calls.close();
        }
    }
}
