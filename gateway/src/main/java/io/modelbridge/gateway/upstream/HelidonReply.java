package io.modelbridge.gateway.upstream;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.modelbridge.spi.HttpReply;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

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
            return new String(body().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw TransportFailures.classify(uri, e);
        }
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
