package io.modelbridge.testkit;

import io.modelbridge.spi.ProviderFailure.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A response body as a blocking stream whose every read waits at most the read timeout (HttpClient's own
 * {@code InputStream} body waits forever). It requests one buffer list at a time, so at most one is queued;
 * {@link #close()} cancels the subscription, which makes HttpClient drop the connection.
 */
final class TimedBodyStream extends InputStream {
    private static final Object END = new Object();

    private final Duration readTimeout;
    private final BlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Flow.Subscription subscription;
    private Iterator<ByteBuffer> buffers = List.<ByteBuffer>of().iterator();
    private ByteBuffer current = ByteBuffer.allocate(0);
    private boolean ended;

    private TimedBodyStream(Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    static BodySubscriber<TimedBodyStream> subscriber(Duration readTimeout) {
        TimedBodyStream stream = new TimedBodyStream(readTimeout);
        return stream.new Subscriber();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(length, current.remaining());
        current.get(into, offset, n);
        return n;
    }

    @Override
    public int available() {
        return current.remaining();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }

    /** Makes {@code current} non-empty; false at the end of the body. */
    private boolean fill() throws IOException {
        while (!current.hasRemaining()) {
            if (buffers.hasNext()) {
                current = buffers.next();
                continue;
            }
            if (ended || closed.get()) {
                return false;
            }
            takeNext();
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private void takeNext() throws IOException {
        Object next;
        try {
            next = arrivals.poll(readTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while reading the body");
        }
        if (next == null) {
            close();
            throw DirectTransport.failure(Kind.TIMEOUT, "no data from upstream within " + readTimeout, null);
        }
        if (next == END) {
            ended = true;
        } else if (next instanceof Throwable t) {
            ended = true;
            throw t instanceof IOException io ? io : new IOException(t);
        } else {
            buffers = ((List<ByteBuffer>) next).iterator();
            subscription.request(1);
        }
    }

    /** The HttpClient side: queues what arrives. */
    private final class Subscriber implements BodySubscriber<TimedBodyStream> {
        @Override
        public CompletionStage<TimedBodyStream> getBody() {
            return CompletableFuture.completedFuture(TimedBodyStream.this);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (closed.get()) {
                s.cancel();
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            arrivals.add(item);
        }

        @Override
        public void onError(Throwable throwable) {
            arrivals.add(throwable);
        }

        @Override
        public void onComplete() {
            arrivals.add(END);
        }
    }
}
