package io.modelbridge.gateway.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.ClientGoneException;
import io.modelbridge.gateway.pipeline.AnswerStartedException;
import io.modelbridge.gateway.pipeline.ServingTarget;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatPassthrough;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.Usage;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Relays an adapter's chunks to the client as server-sent events in the client's dialect (its
 * {@link StreamEncoder}), one flush per event. The response is committed (status 200 and headers sent) only when
 * the first event goes out, so every failure before that is still a real HTTP error and may fail over to another
 * channel. A failure after the answer began (an event of the answer went out) is marked final
 * ({@link AnswerStartedException}); keep-alive events ({@link StreamPings}) commit the response but are no answer, so
 * a failure after them still fails over, and the stream ends with the dialect's error event only if no channel is
 * left. Events are written under one lock: the stream's thread and a ping never interleave.
 */
final class SseRelay implements Consumer<ChatChunk> {
    private final ServerResponse res;
    private final StreamEncoder encoder;
    private final StreamTally tally;
    private final TargetHeaders targetHeaders;
    private final Consumer<byte[]> events = this::send;
    private final Consumer<byte[]> answer = this::answer;
    private final ReentrantLock lock = new ReentrantLock();
    private final long pingAfterNanos;
    private final AtomicBoolean pinging = new AtomicBoolean();
    private volatile long lastEventNanos = System.nanoTime();
    private volatile boolean pingsOver;
    private volatile boolean answered;
    private ServingTarget servedBy;
    private OutputStream out;
    /** Runs just before the answer's end goes out ({@link #finish}, {@link #beforeLastPassedEvent}); null once it ran. */
    private Runnable beforeEnd;

    SseRelay(ServerResponse res, StreamEncoder encoder, StreamTally tally, TargetHeaders targetHeaders) {
        this.res = res;
        this.targetHeaders = targetHeaders;
        this.encoder = encoder;
        this.tally = tally;
        Duration after = encoder.keepAliveAfter();
        this.pingAfterNanos = after == null ? 0 : after.toNanos();
    }

    /** One attempt: streams {@code adapter}'s answer, for the target (and plugin version) it was handed. */
    Void relay(ServingTarget serving, ProviderAdapter adapter, ChatRequest request, CallContext ctx) {
        return relay(serving, out -> adapter.stream(request, ctx, out));
    }

    /** One attempt whose stream is pushed by {@code call} (a chat stream, a prompt completion's stream). */
    Void relay(ServingTarget serving, Consumer<Consumer<ChatChunk>> call) {
        servedBy = serving;
        try {
            call.accept(this);
        } catch (RuntimeException e) {
            throw answered ? AnswerStartedException.wrap(e) : e;
        }
        return null;
    }

    /** Where an attempt whose events are already in the client's dialect hands them. */
    interface PassedEvents {
        /**
         * One whole event, written as it is; {@code counted} is what it delivered (text, usage), or null; {@code last}
         * when it ends the answer (the client may act on it at once).
         */
        void event(byte[] event, ChatChunk counted, boolean last);
    }

    /**
     * One attempt whose events are already in the client's dialect (a native Responses upstream), pushed by
     * {@code call}: each is written as it comes, what it delivered is tallied, and the same first-event rules apply.
     */
    Void relayPassed(ServingTarget serving, Consumer<PassedEvents> call) {
        servedBy = serving;
        try {
            call.accept(this::passed);
        } catch (RuntimeException e) {
            throw answered ? AnswerStartedException.wrap(e) : e;
        }
        return null;
    }

    private void passed(byte[] event, ChatChunk counted, boolean last) {
        if (counted != null) {
            tally.add(counted);
        }
        lock.lock();
        try {
            if (last) {
                runBeforeEnd(true);
            }
            answer(event);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code hook} once, just before a passed event that ends the answer goes out (the stream counts as answered
     * by then): such an event comes from the upstream, which may end its stream some time after it.
     */
    void beforeLastPassedEvent(Runnable hook) {
        beforeEnd = hook;
    }

    /** Runs the hook before the end, if one is waiting; the stream counts as answered first if an event follows. */
    private void runBeforeEnd(boolean eventFollows) {
        Runnable hook = beforeEnd;
        if (hook == null) {
            return;
        }
        beforeEnd = null;
        if (eventFollows) {
            markAnswered();
        }
        hook.run();
    }

    /** The target of the attempt now relayed, if one began. */
    Optional<ServingTarget> serving() {
        return Optional.ofNullable(servedBy);
    }

    /** Status 200 and the headers went out (the answer, or a keep-alive event). */
    boolean committed() {
        lock.lock();
        try {
            return out != null;
        } finally {
            lock.unlock();
        }
    }

    /** An event of the answer went out: the client saw something of this attempt (billed, and no failover). */
    boolean answered() {
        return answered;
    }

    @Override
    public void accept(ChatChunk chunk) {
        tally.add(chunk);
        lock.lock();
        try {
            encoder.chunk(chunk, answer);
        } finally {
            lock.unlock();
        }
    }

    /**
     * An upstream event that may go to the client as it came: written so when the dialect's encoder says it can
     * ({@link StreamEncoder#relayed}), else its chunks are encoded; its chunks are tallied either way.
     */
    void passedEvent(ChatPassthrough.PassedEvent event) {
        for (ChatChunk chunk : event.chunks()) {
            tally.add(chunk);
        }
        lock.lock();
        try {
            byte[] relayed = encoder.relayed(event);
            if (relayed != null) {
                answer(relayed);
            } else {
                for (ChatChunk chunk : event.chunks()) {
                    encoder.chunk(chunk, answer);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The upstream stream ended normally: the dialect's closing events, with what was delivered. {@code beforeEnd}
     * runs once, just before the first of them goes out (the stream counts as answered by then), or after, when the
     * dialect has none: a client that has the end of the stream finds it run.
     */
    void finish(Usage usage, Runnable beforeEnd) {
        lock.lock();
        try {
            pingsOver = true;
            this.beforeEnd = beforeEnd; // in place of a passed event's hook, run or not
            encoder.end(usage, event -> {
                runBeforeEnd(true);
                answer(event);
            });
            runBeforeEnd(false);
            close();
        } finally {
            lock.unlock();
        }
    }

    /** A failure after the stream began: the dialect's error event, then the stream ends. */
    void fail(ApiError error) {
        lock.lock();
        try {
            pingsOver = true;
            encoder.fail(error, events);
        } catch (ClientGoneException ignored) {
            // nobody left to tell
        } finally {
            close();
            lock.unlock();
        }
    }

    /** Whether this stream's dialect has a keep-alive event and pings are on. */
    boolean pings() {
        return pingAfterNanos > 0;
    }

    /** Silent for long enough, and no ping on its way: claims the next ping. */
    boolean pingDue(long now) {
        return !pingsOver && now - lastEventNanos >= pingAfterNanos && pinging.compareAndSet(false, true);
    }

    /** The nanoseconds until a ping may be due: an event written meanwhile only makes it later. */
    long nextPingIn(long now) {
        return pingAfterNanos - (now - lastEventNanos);
    }

    /** The dialect's keep-alive event, unless the stream wrote meanwhile or is over. */
    void ping() {
        lock.lock();
        try {
            if (!pingsOver && System.nanoTime() - lastEventNanos >= pingAfterNanos) {
                encoder.keepAlive(events);
            }
        } catch (ClientGoneException e) {
            pingsOver = true; // the stream's own next write finds the client gone
        } finally {
            pinging.set(false);
            lock.unlock();
        }
    }

    /** No more pings: once this returns, whether the response is committed no longer changes behind the caller. */
    void endPings() {
        lock.lock();
        try {
            pingsOver = true;
        } finally {
            lock.unlock();
        }
    }

    private void answer(byte[] event) {
        markAnswered();
        send(event);
    }

    private void markAnswered() {
        if (!answered) {
            answered = true;
            tally.firstByte();
        }
    }

    /** One event: one write (one HTTP chunk, whatever the size of the response's buffer), then a flush. */
    private void send(byte[] event) {
        commit();
        lastEventNanos = System.nanoTime();
        try {
            out.write(event);
            out.flush();
        } catch (IOException | RuntimeException e) {
            throw new ClientGoneException(e); // RuntimeException: Helidon's ServerConnectionException when the socket is gone
        }
    }

    private void commit() {
        if (out != null) {
            return;
        }
        if (servedBy != null) {
            targetHeaders.set(res, servedBy);
        }
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.create("X-Accel-Buffering"), "no");
        out = res.outputStream();
    }

    private void close() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException | RuntimeException ignored) {
            // the client is gone; nothing to do
        }
    }
}
