package io.modelbridge.loadgen;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Fixed concurrency: each worker sends the next request as soon as the previous answer is read. */
final class ClosedLoop {
    private ClosedLoop() {}

    static RequestResult run(Target target, int connections, Duration duration) throws InterruptedException {
        List<Worker> workers = new ArrayList<>();
        try (HttpClient client = Target.client()) {
            for (int i = 0; i < connections; i++) {
                workers.add(new Worker(new Tally(), client, target.chat(), duration.toNanos()));
            }
            Workers.run("closed-" + target.name(), workers);
        }
        return Tally.merge(target.name(), workers.stream().map(w -> w.tally).toList(), duration.toNanos() / 1e9);
    }

    private record Worker(Tally tally, HttpClient client, HttpRequest request, long durationNanos)
            implements Workers.Body {
        @Override
        public void run(long startNanos) throws InterruptedException {
            long end = startNanos + durationNanos;
            for (long sent = System.nanoTime(); sent < end; sent = System.nanoTime()) {
                try {
                    HttpResponse<byte[]> reply = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    long took = System.nanoTime() - sent;
                    if (reply.statusCode() == 200) {
                        tally.ok++;
                        tally.latencies.recordValue(took);
                    } else {
                        tally.refused(reply.statusCode(), reply.body());
                    }
                } catch (IOException e) {
                    tally.error(e);
                }
            }
        }
    }
}
