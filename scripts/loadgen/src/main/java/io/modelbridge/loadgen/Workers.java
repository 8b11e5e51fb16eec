package io.modelbridge.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs n load workers on platform threads (no virtual-thread scheduling hop on the measured path): each first
 * prepares (connects), then all start together at one instant.
 */
final class Workers {
    private final CountDownLatch ready;
    private final CountDownLatch go = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    private volatile long startNanos;

    /** A worker's body: {@code prepare} before the common start, {@code run} after it. */
    interface Body {
        void prepare();

        void run(long startNanos) throws InterruptedException;
    }

    private Workers(int n) {
        this.ready = new CountDownLatch(n);
    }

    /** Starts the bodies together once all are prepared and waits for them to finish. */
    static void run(String name, List<? extends Body> bodies) throws InterruptedException {
        Workers w = new Workers(bodies.size());
        for (int i = 0; i < bodies.size(); i++) {
            Body body = bodies.get(i);
            w.threads.add(Thread.ofPlatform().name(name + "-" + i).daemon().start(() -> {
                body.prepare();
                w.ready.countDown();
                try {
                    w.go.await();
                    body.run(w.startNanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        w.ready.await();
        w.startNanos = System.nanoTime();
        w.go.countDown();
        for (Thread t : w.threads) {
            t.join();
        }
    }
}
