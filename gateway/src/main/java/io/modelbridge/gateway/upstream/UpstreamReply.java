package io.modelbridge.gateway.upstream;

import io.modelbridge.gateway.limits.BodyMemory;
import io.modelbridge.gateway.pipeline.RequestContext;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.UpstreamLimits;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** A vendor's answer on the gateway's own client; body reads turn timeouts and resets into classified failures. */
final class UpstreamReply implements HttpReply {
    private final ResponseHead head;
    private final UpstreamBody body;
    private final URI uri;
    private InputStream classifying;

    UpstreamReply(ResponseHead head, UpstreamBody body, URI uri) {
        this.head = head;
        this.body = body;
        this.uri = uri;
    }

    @Override
    public int status() {
        return head.status();
    }

    @Override
    public Optional<String> header(String name) {
        return head.header(name);
    }

    @Override
    public InputStream body() {
        if (classifying == null) {
            classifying = new ClassifyingStream();
        }
        return classifying;
    }

    @Override
    public String bodyText() {
        try {
            return new String(readBody(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw TransportFailures.classify(uri, e);
        }
    }

    /**
     * The whole body, bounded: a 2xx answer over {@link UpstreamLimits#MAX_MESSAGE_BYTES} is a protocol failure, of
     * an error answer only the first {@link UpstreamLimits#MAX_ERROR_BODY_BYTES} are read (the rest is dropped with
     * the connection). The room for a 2xx answer is taken from the request's share of the body memory as it is read
     * ({@link RequestContext#memory()}): the per-answer bound alone let 48 answers of 15 MiB run a 1.5 GiB heap out
     * of memory. The connection goes back to the pool only once a read has met the body's end (a chunked body's last
     * chunk); without that read every call opened a new upstream connection (UpstreamKeepAliveTest).
     */
    private byte[] readBody() throws IOException {
        boolean success = status() / 100 == 2;
        int limit = success ? UpstreamLimits.MAX_MESSAGE_BYTES : UpstreamLimits.MAX_ERROR_BODY_BYTES;
        long declared = head.framing() == ResponseHead.Framing.SIZED ? head.contentLength()
                : head.framing() == ResponseHead.Framing.NONE ? 0 : -1;
        if (success && declared > limit) {
            throw tooLarge(declared + " bytes");
        }
        int expected = declared >= 0 ? (int) Math.min(declared, limit) : limit;
        BodyMemory.Hold memory = success ? RequestContext.memory() : null;
        byte[] bytes = memory == null ? body().readNBytes(expected) : memory.readNBytes(body(), expected);
        if (bytes.length < limit) {
            body().read(); // returns -1 at once: the body is at its end, and the connection is released
        } else if (success && body().read() >= 0) {
            throw tooLarge("more than " + limit + " bytes");
        }
        return bytes;
    }

    private static ProviderException tooLarge(String size) {
        return UpstreamLimits.exceeded("an answer of " + size + ", over the " + UpstreamLimits.MAX_MESSAGE_BYTES
                + "-byte bound");
    }

    /**
     * Closing before the body's end closes the connection (the upstream sees the call cancelled), unless all that is
     * left is the body's framing, which is drained within a bound (a stream read to its [DONE]: UpstreamBody#close).
     */
    @Override
    public void close() {
        body.close();
    }

    private final class ClassifyingStream extends InputStream {
        @Override
        public int read() {
            try {
                return body.read();
            } catch (IOException | RuntimeException e) {
                throw TransportFailures.classify(uri, e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) {
            try {
                return body.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                throw TransportFailures.classify(uri, e);
            }
        }

        @Override
        public void close() {
            body.close();
        }
    }
}
