package io.modelbridge.testkit.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Fixed concurrency: each connection sends the next request as soon as the previous answer is read. */
final class ClosedLoop {
    private ClosedLoop() {}

    static RequestResult run(Target target, int connections, Duration duration) throws InterruptedException {
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            workers.add(new Worker(target, duration.toNanos()));
        }
        Workers.run("closed-" + target.name(), workers);
        return Tally.merge(target.name(), workers.stream().map(w -> w.tally).toList(), duration.toNanos() / 1e9);
    }

    private static final class Worker implements Workers.Body {
        private final Tally tally = new Tally();
        private final ClientConnection connection;
        private final BodyCapture body = new BodyCapture();
        private final byte[] request;
        private final long durationNanos;

        Worker(Target target, long durationNanos) {
            this.connection = new ClientConnection(target.address(), 16 * 1024, 30_000);
            this.request = target.chat();
            this.durationNanos = durationNanos;
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
            long end = startNanos + durationNanos;
            for (long sent = System.nanoTime(); sent < end; sent = System.nanoTime()) {
                body.reset();
                try {
                    int status = connection.exchange(request, body);
                    long took = System.nanoTime() - sent;
                    if (status == 200) {
                        tally.ok++;
                        tally.latencies.add(took);
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
