package io.modelbridge.loadgen;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * A streamed response body handed to an {@link SseScanner} as the JDK client receives it, each piece stamped with
 * the time it arrived. {@link #cancel()} closes the stream (the client then closes its connection).
 */
final class SseBody implements Flow.Subscriber<List<ByteBuffer>> {
    private final SseScanner scanner;
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;

    SseBody(SseScanner scanner) {
        this.scanner = scanner;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (cancelled) {
            s.cancel();
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> pieces) {
        long arrived = System.nanoTime();
        for (ByteBuffer piece : pieces) {
            scanner.accept(piece, arrived);
        }
    }

    @Override
    public void onError(Throwable failure) {
        // the client completes the response exceptionally: the caller sees it there
    }

    @Override
    public void onComplete() {
        // the caller sees the end when the response completes
    }

    void cancel() {
        cancelled = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
