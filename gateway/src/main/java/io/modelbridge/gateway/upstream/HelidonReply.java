package io.modelbridge.gateway.upstream;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.modelbridge.spi.HttpReply;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;

/** A vendor reply whose body reads turn timeouts and resets into classified ProviderExceptions. */
final class HelidonReply implements HttpReply {
    private static final long SIZED_UP_TO = 16 * 1024 * 1024;
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
     * The whole body; with a Content-Length, into an array of that size (readAllBytes would take a 16 KiB buffer
     * for every answer of a few hundred bytes, most of a request's garbage).
     */
    private byte[] readBody() throws IOException {
        OptionalLong declared = response.headers().contentLength();
        if (declared.isEmpty() || declared.getAsLong() > SIZED_UP_TO) {
            return body().readAllBytes();
        }
        byte[] bytes = body().readNBytes((int) declared.getAsLong());
        int more = body().read();
        if (more < 0) {
            return bytes;
        }
        byte[] rest = body().readAllBytes(); // longer than declared: keep every byte, as readAllBytes would
        byte[] all = Arrays.copyOf(bytes, bytes.length + 1 + rest.length);
        all[bytes.length] = (byte) more;
        System.arraycopy(rest, 0, all, bytes.length + 1, rest.length);
        return all;
    }

    @Override
    public void close() {
        response.close();
    }

    private final class ClassifyingStream extends InputStream {
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

        @Override
        public int read(byte[] b, int off, int len) {
            try {
                return in.read(b, off, len);
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
