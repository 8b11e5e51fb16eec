package io.modelbridge.gateway.upstream;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.UpstreamLimits;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

/** A vendor reply whose body reads turn timeouts and resets into classified ProviderExceptions. */
final class HelidonReply implements HttpReply {
    private final HttpClientResponse response;
    private final URI uri;
    private InputStream body;

    HelidonReply(HttpClientResponse response, URI uri) {
        this.response = response;
        this.uri = uri;
    }

    @Override
    public int status() {
        return response.status().code();
    }

    @Override
    public Optional<String> header(String name) {
        return response.headers().first(HeaderNames.create(name));
    }

    @Override
    public InputStream body() {
        if (body == null) {
            body = new ClassifyingStream(response.inputStream());
        }
        return body;
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
     * the connection). With a Content-Length it is read into an array of that size (readAllBytes would take a
     * 16 KiB buffer for every answer of a few hundred bytes, most of a request's garbage). Helidon keeps the
     * connection for the next call only when a read has met the body's end; without that read every call opened
     * a new upstream connection (UpstreamKeepAliveTest).
     */
    private byte[] readBody() throws IOException {
        boolean success = status() / 100 == 2;
        int limit = success ? UpstreamLimits.MAX_MESSAGE_BYTES : UpstreamLimits.MAX_ERROR_BODY_BYTES;
        OptionalLong declared = response.headers().contentLength();
        if (success && declared.isPresent() && declared.getAsLong() > limit) {
            throw tooLarge(declared.getAsLong() + " bytes");
        }
        int expected = declared.isPresent() ? (int) Math.min(declared.getAsLong(), limit) : limit;
        byte[] bytes = body().readNBytes(expected);
        if (bytes.length < limit) {
            body().read(); // returns -1 at once: the body is at its end, and only now does Helidon know it
        } else if (success && body().read() >= 0) {
            throw tooLarge("more than " + limit + " bytes");
        }
        return bytes;
    }

    private static ProviderException tooLarge(String size) {
        return UpstreamLimits.exceeded("an answer of " + size + ", over the " + UpstreamLimits.MAX_MESSAGE_BYTES
                + "-byte bound");
    }

    @Override
    public void close() {
        response.close();
    }

    private final class ClassifyingStream extends InputStream {
        private static final int MAX_READ = 64 * 1024;
        private final InputStream in;

        ClassifyingStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() {
            try {
                return in.read();
            } catch (IOException | RuntimeException e) {
                throw TransportFailures.classify(uri, e);
            }
        }

        /** At most {@value #MAX_READ} bytes a call: Helidon's entity streams allocate what each read asks for. */
        @Override
        public int read(byte[] b, int off, int len) {
            try {
                return in.read(b, off, Math.min(len, MAX_READ));
            } catch (IOException | RuntimeException e) {
                throw TransportFailures.classify(uri, e);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
