package io.modelbridge.loadgen;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens many slow streams through the gateway (one connection each, read asynchronously by the JDK client: no
 * thread per stream), keeps them all open, measures the gateway's heap with them open, checks that every one still
 * receives chunks, then closes them.
 */
final class SlowStreams {
    private static final int OPENING_AT_ONCE = 256;
    private static final int FD_RESERVE = 300;

    private SlowStreams() {}

    /** Why fewer streams than asked for are tried: the limits, and whether the script could have raised them. */
    static String capReason(long gatewayPid, long gatewayOpen, long self) {
        long soft = ProcessProbe.maxOpenFiles(gatewayPid);
        long hard = ProcessProbe.maxOpenFilesHard(gatewayPid);
        String raise = soft < hard ? "its soft limit is below its hard limit " + hard
                : ProcessProbe.maySetHardLimits() ? "its hard limit, which scripts/benchmark failed to raise"
                : "its hard limit, which no process here may raise (the container withholds CAP_SYS_RESOURCE, even from root)";
        return "open-file limit: the gateway may open " + soft + " files (" + raise + "), " + gatewayOpen
                + " were already open, and a relayed stream needs 2 (client and upstream sockets); the generator may open "
                + ProcessProbe.maxOpenFiles(self);
    }

    static SlowResult run(Target target, int wanted, int openPerSecond, Duration hold, long gatewayPid)
            throws InterruptedException {
        long perStreamFds = 2; // the client's socket and the upstream's, both in the gateway
        long gatewayOpen = ProcessProbe.openFiles(gatewayPid);
        long gatewayRoom = (ProcessProbe.maxOpenFiles(gatewayPid) - gatewayOpen - FD_RESERVE) / perStreamFds;
        long self = ProcessHandle.current().pid();
        long ownRoom = ProcessProbe.maxOpenFiles(self) - ProcessProbe.openFiles(self) - FD_RESERVE;
        int n = (int) Math.max(0, Math.min(wanted, Math.min(gatewayRoom, ownRoom)));
        String cap = n == wanted ? "" : capReason(gatewayPid, gatewayOpen, self);
        Map<String, long[]> classesBefore = ProcessProbe.classHistogram(gatewayPid);
        ProcessProbe.HeapUse before = ProcessProbe.heapAfterFullGc(gatewayPid);

        CountDownLatch settled = new CountDownLatch(n);
        Semaphore opening = new Semaphore(OPENING_AT_ONCE);
        AtomicBoolean closing = new AtomicBoolean();
        List<SlowStream> streams = new ArrayList<>(n);
        double rampSeconds;
        int opened;
        ProcessProbe.HeapUse during;
        long rss;
        List<ClassGrowth> growth;
        int alive = 0;
        HttpClient client = Target.asyncClient();
        try {
            HttpRequest request = target.slowStream();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long due = start + i * 1_000_000_000L / openPerSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                opening.acquire();
                SlowStream s = new SlowStream(settled, opening, closing);
                streams.add(s);
                s.open(client, request);
            }
            settled.await(60, TimeUnit.SECONDS);
            rampSeconds = (System.nanoTime() - start) / 1e9;
            opened = (int) streams.stream().filter(s -> s.contentEvents > 0).count();

            during = ProcessProbe.heapAfterFullGc(gatewayPid);
            rss = ProcessProbe.residentBytes(gatewayPid);
            growth = ClassGrowth.top(classesBefore, ProcessProbe.classHistogram(gatewayPid), opened, 12);
            int[] seen = streams.stream().mapToInt(s -> s.contentEvents).toArray();
            Thread.sleep(hold);
            for (int i = 0; i < n; i++) {
                SlowStream s = streams.get(i);
                alive += !s.ended && s.contentEvents > seen[i] ? 1 : 0;
            }
            closing.set(true);
            streams.forEach(SlowStream::close);
        } finally {
            client.shutdownNow(); // close() would wait for the streams to end
        }
        int failed = (int) streams.stream().filter(s -> s.failure != null).count();
        String firstError = streams.stream().map(s -> s.failure).filter(f -> f != null).findFirst().orElse("");
        return new SlowResult(wanted, n, cap, opened, alive, failed, rampSeconds, before.usedBytes(),
                during.usedBytes(), during.committedBytes(), rss, growth, firstError);
    }

    /** One slow stream: reads events until the run closes it; anything else ending it is a failure. */
    private static final class SlowStream implements SseScanner.Listener {
        private final SseBody body = new SseBody(new SseScanner(this));
        private final CountDownLatch settled;
        private final Semaphore opening;
        private final AtomicBoolean closing;
        private final AtomicBoolean counted = new AtomicBoolean();
        volatile int contentEvents;
        volatile boolean ended;
        volatile String failure;

        SlowStream(CountDownLatch settled, Semaphore opening, AtomicBoolean closing) {
            this.settled = settled;
            this.opening = opening;
            this.closing = closing;
        }

        /** Sends the request; the response completes only when the stream ends. */
        void open(HttpClient client, HttpRequest request) {
            client.sendAsync(request, HttpResponse.BodyHandlers.fromSubscriber(body)).whenComplete((reply, error) -> {
                if (!closing.get()) {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    failure = cause != null ? cause.getClass().getSimpleName() + ": " + cause.getMessage()
                            : "stream ended early: HTTP " + reply.statusCode() + " after " + contentEvents + " chunks";
                }
                ended = true;
                settle();
            });
        }

        @Override
        public void event(long arrivedNanos, boolean content, boolean done) {
            if (content) {
                contentEvents++; // the client delivers one stream's pieces one after the other
                settle();
            }
        }

        void close() {
            body.cancel();
        }

        private void settle() {
            if (counted.compareAndSet(false, true)) {
                opening.release();
                settled.countDown();
            }
        }
    }
}
