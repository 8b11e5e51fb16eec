package io.modelbridge.testkit.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
        Samples ttft = new Samples();
        Samples gaps = new Samples();
        Tally total = new Tally();
        for (Worker w : workers) {
            ttft.addAll(w.tally.latencies);
            gaps.addAll(w.gaps);
            total.ok += w.tally.ok;
            total.errors += w.tally.errors;
            total.firstError = total.firstError == null ? w.tally.firstError : total.firstError;
        }
        return new StreamResult(target.name(), total.ok, total.errors, duration.toNanos() / 1e9, ttft.sorted(),
                gaps.sorted(), total.firstError);
    }

    private static final class Worker implements Workers.Body, SseScanner.Listener {
        private final Tally tally = new Tally();
        private final Samples gaps = new Samples();
        private final Samples streamGaps = new Samples();
        private final ClientConnection connection;
        private final SseScanner scanner = new SseScanner(this);
        private final byte[] request;
        private final long durationNanos;
        private final int chunks;
        private long firstContent;
        private long lastContent;
        private int contentEvents;
        private boolean done;

        Worker(Target target, long durationNanos, int chunks) {
            this.connection = new ClientConnection(target.address(), 16 * 1024, 30_000);
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
                streamGaps.clear();
                contentEvents = 0;
                done = false;
                try {
                    int status = connection.exchange(request, scanner);
                    if (status != 200 || !done || contentEvents != chunks) {
                        tally.error("HTTP " + status + ", " + contentEvents + " of " + chunks + " chunks, "
                                + (done ? "" : "no ") + "[DONE]");
                        continue;
                    }
                    tally.ok++;
                    tally.latencies.add(firstContent - sent);
                    gaps.addAll(streamGaps);
                } catch (IOException e) {
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
                    streamGaps.add(arrivedNanos - lastContent);
                }
                lastContent = arrivedNanos;
                contentEvents++;
            }
        }
    }
}
