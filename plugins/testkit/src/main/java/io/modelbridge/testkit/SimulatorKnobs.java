package io.modelbridge.testkit;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The run-time settings of a vendor simulator, safe to change from a test thread while requests are served.
 * Scripted errors are consumed one per request; everything else stays until {@link #reset()}.
 */
public final class SimulatorKnobs {

    /**
     * One scripted error answer: HTTP status and the vendor's error fields; retryAfter may be null. When
     * {@code rawBody} is not null it is sent as is (with {@code type} as its content type) instead of an error body.
     */
    public record ScriptedError(int status, String type, String code, String message, Duration retryAfter,
                                String rawBody) {
        public ScriptedError(int status, String type, String code, String message, Duration retryAfter) {
            this(status, type, code, message, retryAfter, null);
        }

        /** A body that is not the vendor's error shape (a proxy's HTML page, garbage). */
        public static ScriptedError raw(int status, String contentType, String body) {
            return new ScriptedError(status, contentType, null, null, null, body);
        }
    }

    private final ConcurrentLinkedQueue<ScriptedError> errors = new ConcurrentLinkedQueue<>();
    private final AtomicInteger cancelledStreams = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private final ThreadLocal<Boolean> heldAcrossReset = ThreadLocal.withInitial(() -> false);
    private volatile CountDownLatch release = new CountDownLatch(1);
    private volatile Duration hangBeforeHeaders = Duration.ZERO;
    private volatile Duration eventDelay = Duration.ZERO;
    private volatile int dropAfterEvents = -1;
    private volatile int errorEventAfter = -1;
    private volatile int malformedEventAfter = -1;
    private volatile int truncateEventAfter = -1;
    private volatile int stallStreamAfter = -1;
    private volatile int wordsPerChunk = 1;
    private volatile String replyText;
    private volatile Semaphore eventGate;

    /** The next {@code count} requests get this error. */
    public void failNext(int count, ScriptedError error) {
        for (int i = 0; i < count; i++) {
            errors.add(error);
        }
    }

    /**
     * The scripted error for the request being served, if one is pending. A request that was held (see
     * {@link #hangIfConfigured()}) across a {@link #reset()} belongs to an earlier test and takes none, so it cannot
     * steal the error the next test scripted.
     */
    public Optional<ScriptedError> takeError() {
        if (heldAcrossReset.get()) {
            return Optional.empty();
        }
        return Optional.ofNullable(errors.poll());
    }

    public void hangBeforeHeaders(Duration delay) {
        hangBeforeHeaders = delay;
    }

    public void eventDelay(Duration delay) {
        eventDelay = delay;
    }

    /** Streams drop the connection after this many events; negative for never. */
    public void dropAfterEvents(int events) {
        dropAfterEvents = events;
    }

    public int dropAfterEvents() {
        return dropAfterEvents;
    }

    /** Streams send an in-stream error after this many events; negative for never. */
    public void errorEventAfter(int events) {
        errorEventAfter = events;
    }

    public int errorEventAfter() {
        return errorEventAfter;
    }

    /** Streams send one event whose data is not valid JSON after this many events, then end; negative for never. */
    public void malformedEventAfter(int events) {
        malformedEventAfter = events;
    }

    public int malformedEventAfter() {
        return malformedEventAfter;
    }

    /** Streams send half an event (cut mid-line) after this many events, then end the response; negative for never. */
    public void truncateEventAfter(int events) {
        truncateEventAfter = events;
    }

    public int truncateEventAfter() {
        return truncateEventAfter;
    }

    /** Streams go silent after this many events, holding the connection open until {@link #reset()}. */
    public void stallStreamAfter(int events) {
        stallStreamAfter = events;
    }

    public int stallStreamAfter() {
        return stallStreamAfter;
    }

    /** Holds a stream that was told to stall, until {@link #reset()} (at most ten minutes). */
    public void stall() {
        pause(Duration.ofMinutes(10));
    }

    public void wordsPerChunk(int words) {
        if (words < 1) {
            throw new IllegalArgumentException("wordsPerChunk must be at least 1");
        }
        wordsPerChunk = words;
    }

    public int wordsPerChunk() {
        return wordsPerChunk;
    }

    /** A fixed assistant reply instead of the simulator's echo; null restores the echo. */
    public void replyText(String text) {
        replyText = text;
    }

    public Optional<String> replyText() {
        return Optional.ofNullable(replyText);
    }

    /** Holds the calling request for the configured hang, or until {@link #reset()}. */
    public void hangIfConfigured() {
        int before = resets.get();
        pause(hangBeforeHeaders);
        heldAcrossReset.set(resets.get() != before);
    }

    /**
     * Holds every stream event after the first until the test lets it go with {@link #releaseEvents(int)}, so a
     * test can tell what a client received while the upstream was provably still streaming. {@link #reset()} opens
     * the gate for good.
     */
    public void gateEvents() {
        eventGate = new Semaphore(0);
    }

    /** Lets {@code count} more gated events go out. */
    public void releaseEvents(int count) {
        Semaphore gate = eventGate;
        if (gate != null) {
            gate.release(count);
        }
    }

    /** Waits the configured delay, or for the gate, before a stream event (cut short by {@link #reset()}). */
    public void pauseBeforeEvent() {
        Semaphore gate = eventGate;
        if (gate != null) {
            try {
                gate.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pause(eventDelay);
    }

    /** The simulator saw a client close a stream it was still writing. */
    public void streamCancelled() {
        cancelledStreams.incrementAndGet();
    }

    public int cancelledStreams() {
        return cancelledStreams.get();
    }

    /** Waits until at least {@code count} streams were cancelled by clients; false if that did not happen in time. */
    public boolean awaitCancelledStreams(int count, Duration within) {
        long end = System.nanoTime() + within.toNanos();
        while (cancelledStreams.get() < count) {
            if (System.nanoTime() > end) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Back to a healthy simulator: no scripted errors, no delays, no faults; hanging requests are released. */
    public void reset() {
        resets.incrementAndGet();
        errors.clear();
        hangBeforeHeaders = Duration.ZERO;
        eventDelay = Duration.ZERO;
        dropAfterEvents = -1;
        errorEventAfter = -1;
        malformedEventAfter = -1;
        truncateEventAfter = -1;
        stallStreamAfter = -1;
        wordsPerChunk = 1;
        replyText = null;
        Semaphore gate = eventGate;
        eventGate = null;
        if (gate != null) {
            gate.release(Integer.MAX_VALUE / 2);
        }
        CountDownLatch old = release;
        release = new CountDownLatch(1);
        old.countDown();
    }

    private void pause(Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            return;
        }
        try {
            release.await(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
