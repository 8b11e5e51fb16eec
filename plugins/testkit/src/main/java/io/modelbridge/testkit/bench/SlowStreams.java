package io.modelbridge.testkit.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens many slow streams through the gateway (one virtual thread and one socket each), keeps them all open,
 * measures the gateway's heap with them open, checks that every one still receives chunks, then closes them.
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
        List<Thread> threads = new ArrayList<>(n);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + i * 1_000_000_000L / openPerSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            opening.acquire();
            SlowStream s = new SlowStream(target, settled, opening, closing);
            streams.add(s);
            threads.add(Thread.ofVirtual().start(s));
        }
        settled.await(60, TimeUnit.SECONDS);
        double rampSeconds = (System.nanoTime() - start) / 1e9;
        int opened = (int) streams.stream().filter(s -> s.contentEvents > 0).count();

        ProcessProbe.HeapUse during = ProcessProbe.heapAfterFullGc(gatewayPid);
        long rss = ProcessProbe.residentBytes(gatewayPid);
        List<ClassGrowth> growth = ClassGrowth.top(classesBefore, ProcessProbe.classHistogram(gatewayPid), opened, 12);
        int[] seen = streams.stream().mapToInt(s -> s.contentEvents).toArray();
        Thread.sleep(hold);
        int alive = 0;
        for (int i = 0; i < n; i++) {
            SlowStream s = streams.get(i);
            alive += !s.ended && s.contentEvents > seen[i] ? 1 : 0;
        }
        closing.set(true);
        streams.forEach(SlowStream::close);
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(5));
        }
        int failed = (int) streams.stream().filter(s -> s.failure != null).count();
        String firstError = streams.stream().map(s -> s.failure).filter(f -> f != null).findFirst().orElse("");
        return new SlowResult(wanted, n, cap, opened, alive, failed, rampSeconds, before.usedBytes(),
                during.usedBytes(), during.committedBytes(), rss, growth, firstError);
    }

    /** One slow stream: reads events until the run closes it; anything else ending it is a failure. */
    private static final class SlowStream implements Runnable, SseScanner.Listener {
        private final ClientConnection connection;
        private final byte[] request;
        private final CountDownLatch settled;
        private final Semaphore opening;
        private final AtomicBoolean closing;
        private final AtomicBoolean counted = new AtomicBoolean();
        volatile int contentEvents;
        volatile boolean ended;
        volatile String failure;

        SlowStream(Target target, CountDownLatch settled, Semaphore opening, AtomicBoolean closing) {
            this.connection = new ClientConnection(target.address(), 1024, 120_000);
            this.request = target.slowStream();
            this.settled = settled;
            this.opening = opening;
            this.closing = closing;
        }

        @Override
        public void run() {
            try {
                int status = connection.exchange(request, new SseScanner(this));
                if (!closing.get()) {
                    failure = "stream ended early: HTTP " + status + " after " + contentEvents + " chunks";
                }
            } catch (IOException | RuntimeException e) {
                if (!closing.get()) {
                    failure = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
            } finally {
                ended = true;
                settle();
            }
        }

        @Override
        public void event(long arrivedNanos, boolean content, boolean done) {
            if (content) {
                contentEvents++; // only this stream's thread writes it
                settle();
            }
        }

        void close() {
            connection.close();
        }

        private void settle() {
            if (counted.compareAndSet(false, true)) {
                opening.release();
                settled.countDown();
            }
        }
    }
}
