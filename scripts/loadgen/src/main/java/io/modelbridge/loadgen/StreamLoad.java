package io.modelbridge.loadgen;

import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.http1.Http1Client;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Concurrent streams, each started as soon as the previous one of its worker ended. Per stream: the time from
 * sending the request to the first content chunk, and the gap between each two consecutive content chunks. A stream
 * counts only if it brought every chunk the upstream sends and ended with {@code [DONE]}.
 */
final class StreamLoad {
    private StreamLoad() {}

    static StreamResult run(Target target, int concurrency, Duration duration, int chunks) throws InterruptedException {
        List<Worker> workers = new ArrayList<>();
        Http1Client client = target.client(concurrency);
        try {
            for (int i = 0; i < concurrency; i++) {
                workers.add(new Worker(client, target, duration.toNanos(), chunks));
            }
            Workers.run("stream-" + target.name(), workers);
        } finally {
            client.closeResource();
        }
        Tally total = Tally.mergeCounts(workers.stream().map(w -> w.tally).toList());
        return new StreamResult(target.name(), total.ok, total.errors, duration.toNanos() / 1e9,
                LatencyStats.merge(workers.stream().map(w -> w.tally.latencies).toList()),
                LatencyStats.merge(workers.stream().map(w -> w.gaps).toList()), total.firstError);
    }

    private static final class Worker implements Workers.Body, SseScanner.Listener {
        private final Tally tally = new Tally();
        private final Histogram gaps = LatencyStats.histogram();
        private final Histogram streamGaps = LatencyStats.histogram();
        private final byte[] buffer = new byte[16 * 1024];
        private final Http1Client client;
        private final Target target;
        private final long durationNanos;
        private final int chunks;
        private long firstContent;
        private long lastContent;
        private int contentEvents;
        private boolean done;

        Worker(Http1Client client, Target target, long durationNanos, int chunks) {
            this.client = client;
            this.target = target;
            this.durationNanos = durationNanos;
            this.chunks = chunks;
        }

        @Override
        public void run(long startNanos) {
            long end = startNanos + durationNanos;
            for (long sent = System.nanoTime(); sent < end; sent = System.nanoTime()) {
                streamGaps.reset();
                contentEvents = 0;
                done = false;
                try (HttpClientResponse reply = target.send(client, true)) {
                    int status = reply.status().code();
                    read(reply.inputStream());
                    if (status != 200 || !done || contentEvents != chunks) {
                        tally.error("HTTP " + status + ", " + contentEvents + " of " + chunks + " chunks, "
                                + (done ? "" : "no ") + "[DONE]");
                        continue;
                    }
                    tally.ok++;
                    tally.latencies.recordValue(firstContent - sent);
                    gaps.add(streamGaps);
                } catch (IOException | RuntimeException e) {
                    tally.error(e);
                }
            }
        }

        /** The body to the SSE scanner as it arrives: each read returns when the next chunk came in. */
        private void read(InputStream body) throws IOException {
            SseScanner scanner = new SseScanner(this);
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                scanner.accept(ByteBuffer.wrap(buffer, 0, n), System.nanoTime());
            }
        }

        @Override
        public void event(long arrivedNanos, boolean content, boolean isDone) {
            if (isDone) {
                done = true;
            } else if (content) {
                if (contentEvents == 0) {
                    firstContent = arrivedNanos;
                } else {
                    streamGaps.recordValue(arrivedNanos - lastContent);
                }
                lastContent = arrivedNanos;
                contentEvents++;
            }
        }
    }
}
