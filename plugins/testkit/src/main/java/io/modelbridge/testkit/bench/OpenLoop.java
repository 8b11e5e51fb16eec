package io.modelbridge.testkit.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Fixed request rate, open loop: request i is due at start + i/rate whatever happened to the others, and its
 * latency counts from that due time, so a stall delays (and is charged to) every request behind it instead of
 * silently sending fewer (no coordinated omission). A pool of keep-alive connections takes the due requests in turn.
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
            workers.add(new Worker(target, tickets, count, periodNanos));
        }
        Workers.run("open-" + target.name(), workers);
        return Tally.merge(target.name(), workers.stream().map(w -> w.tally).toList(), duration.toNanos() / 1e9);
    }

    private static final class Worker implements Workers.Body {
        private final Tally tally = new Tally();
        private final ClientConnection connection;
        private final BodyCapture body = new BodyCapture();
        private final byte[] request;
        private final AtomicLong tickets;
        private final long count;
        private final long periodNanos;

        Worker(Target target, AtomicLong tickets, long count, long periodNanos) {
            this.connection = new ClientConnection(target.address(), 16 * 1024, 30_000);
            this.request = target.chat();
            this.tickets = tickets;
            this.count = count;
            this.periodNanos = periodNanos;
        }

        @Override
        public void prepare() {
            try {
                connection.connect();
            } catch (IOException e) {
                tally.error(e);
            }
        }

        @Override
        public void run(long startNanos) {
            for (long i = tickets.getAndIncrement(); i < count; i = tickets.getAndIncrement()) {
                long due = startNanos + i * periodNanos;
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                body.reset();
                try {
                    int status = connection.exchange(request, body);
                    long latency = System.nanoTime() - due;
                    if (status == 200) {
                        tally.ok++;
                        tally.latencies.add(latency);
                    } else {
                        tally.error("HTTP " + status + ": " + body.text());
                    }
                } catch (IOException e) {
                    tally.error(e);
                }
            }
            connection.close();
        }
    }
}
