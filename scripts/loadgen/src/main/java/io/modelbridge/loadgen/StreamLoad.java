package io.modelbridge.loadgen;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Concurrent streams, each started as soon as the previous one on its connection ended. Per stream: the time from
 * sending the request to the first content chunk, and the gap between each two consecutive content chunks. A stream
 * counts only if it brought every chunk the upstream sends and ended with {@code [DONE]}.
 */
final class StreamLoad {
    private StreamLoad() {}

    static StreamResult run(Target target, int concurrency, Duration duration, int chunks) throws InterruptedException {
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            workers.add(new Worker(target, duration.toNanos(), chunks));
        }
        Workers.run("stream-" + target.name(), workers);
        Tally total = Tally.mergeCounts(workers.stream().map(w -> w.tally).toList());
        return new StreamResult(target.name(), total.ok, total.errors, duration.toNanos() / 1e9,
                LatencyStats.merge(workers.stream().map(w -> w.tally.latencies).toList()),
                LatencyStats.merge(workers.stream().map(w -> w.gaps).toList()), total.firstError);
    }

    private static final class Worker implements Workers.Body, SseScanner.Listener {
        private final Tally tally = new Tally();
        private final Histogram gaps = LatencyStats.histogram();
        private final Histogram streamGaps = LatencyStats.histogram();
        private final SseScanner scanner = new SseScanner(this);
        private final ClientConnection connection;
        private final byte[] request;
        private final long durationNanos;
        private final int chunks;
        private long firstContent;
        private long lastContent;
        private int contentEvents;
        private boolean done;

        Worker(Target target, long durationNanos, int chunks) {
            this.connection = new ClientConnection(target.address());
            this.request = target.stream();
            this.durationNanos = durationNanos;
            this.chunks = chunks;
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
                scanner.reset();
                streamGaps.reset();
                contentEvents = 0;
                done = false;
                try {
                    // the connection hands the scanner each read as it returns: events are stamped as they arrive
                    int status = connection.exchange(request, scanner);
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
            connection.close();
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
