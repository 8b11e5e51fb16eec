package io.modelbridge.loadgen;

import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.http1.Http1Client;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Fixed concurrency: each worker sends the next request as soon as the previous answer is read. */
final class ClosedLoop {
    private ClosedLoop() {}

    static RequestResult run(Target target, int connections, Duration duration) throws InterruptedException {
        List<Worker> workers = new ArrayList<>();
        Http1Client client = target.client(connections);
        try {
            for (int i = 0; i < connections; i++) {
                workers.add(new Worker(new Tally(), client, target, duration.toNanos()));
            }
            Workers.run("closed-" + target.name(), workers);
        } finally {
            client.closeResource();
        }
        return Tally.merge(target.name(), workers.stream().map(w -> w.tally).toList(), duration.toNanos() / 1e9);
    }

    private record Worker(Tally tally, Http1Client client, Target target, long durationNanos) implements Workers.Body {
        @Override
        public void run(long startNanos) {
            long end = startNanos + durationNanos;
            for (long sent = System.nanoTime(); sent < end; sent = System.nanoTime()) {
                try (HttpClientResponse reply = target.send(client, false)) {
                    byte[] body = reply.inputStream().readAllBytes();
                    long took = System.nanoTime() - sent;
                    if (reply.status().code() == 200) {
                        tally.ok++;
                        tally.latencies.recordValue(took);
                    } else {
                        tally.refused(reply.status().code(), body);
                    }
                } catch (IOException | RuntimeException e) {
                    tally.error(e);
                }
            }
        }
    }
}
