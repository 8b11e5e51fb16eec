package io.modelbridge.gateway.portal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work whose duration would tell whether an address has an account (looking it up, issuing a code, queueing a
 * mail): done one job at a time after the answer, off the request thread, from a queue of at most
 * {@value #QUEUE} jobs. A request for a known address and one for an unknown address then cost the same.
 */
final class OffRequest implements AutoCloseable {
    static final int QUEUE = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(OffRequest.class);
    private final ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE), r -> Thread.ofPlatform().daemon().name("portal-accounts").unstarted(r),
            (task, pool) -> LOG.warn("Portal account queue full ({} waiting): a sign-up or reset was dropped", QUEUE));

    /** Runs the job later; a failure is logged by its kind only (the job may hold an address or a code). */
    void run(String what, Runnable job) {
        try {
            worker.execute(() -> {
                try {
                    job.run();
                } catch (RuntimeException e) {
                    LOG.warn("Portal {} failed: {}", what, e.getClass().getSimpleName());
                }
            });
        } catch (RejectedExecutionException e) { // shut down: the gateway is stopping
            LOG.warn("Portal {} dropped: the gateway is stopping", what);
        }
    }

    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
