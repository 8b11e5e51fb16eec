package io.modelbridge.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Fixed concurrency: each connection sends the next request as soon as the previous answer is read. */
final class ClosedLoop {
    private ClosedLoop() {}

    static RequestResult run(Target target, int connections, Duration duration) throws InterruptedException {
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            workers.add(new Worker(new ChatCalls(target), duration.toNanos()));
        }
        Workers.run("closed-" + target.name(), workers);
        return Tally.merge(target.name(), workers.stream().map(w -> w.calls.tally).toList(), duration.toNanos() / 1e9);
    }

    private record Worker(ChatCalls calls, long durationNanos) implements Workers.Body {
        @Override
        public void prepare() {
            calls.connect();
        }

        @Override
        public void run(long startNanos) {
            long end = startNanos + durationNanos;
            for (long sent = System.nanoTime(); sent < end; sent = System.nanoTime()) {
                calls.call(sent);
            }
            calls.close();
        }
    }
}
