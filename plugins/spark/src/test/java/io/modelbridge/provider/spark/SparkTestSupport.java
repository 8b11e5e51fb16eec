package io.modelbridge.provider.spark;

import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.HttpCall;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.Transport;
import io.modelbridge.spi.WebSocketSession;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Requests and a scripted session for the plugin's unit tests. */
final class SparkTestSupport {
    static final SparkCredential CREDENTIAL = new SparkCredential("app123", "secret-0123456789", "key-abcdefghij");

    private SparkTestSupport() {}

    static ChatRequest ask(String model, String text) {
        return request(model, List.of(Message.of("user", text)), Sampling.none());
    }

    static ChatRequest request(String model, List<Message> messages, Sampling sampling) {
        return new ChatRequest(model, messages, false, false, sampling, List.of(), null, null, Map.of());
    }

    static Sampling sampling(Double temperature, Double topP, Integer maxTokens) {
        return new Sampling(temperature, topP, maxTokens, List.of(), null, null, null, null);
    }

    static CallContext context(String baseUrl, Transport transport) {
        ProviderSettings settings = new ProviderSettings("unit", baseUrl, "app123|secret-0123456789|key-abcdefghij",
                Duration.ofSeconds(1), Duration.ofSeconds(1), Map.of());
        return new CallContext(settings, transport, Instant.now().plusSeconds(10), Clock.systemUTC());
    }

    /** A session that answers with the given frames, then as closed; it remembers what was sent and whether closed. */
    static final class ScriptedSession implements WebSocketSession {
        final List<String> sent = new ArrayList<>();
        private final Deque<String> frames;
        boolean closed;

        ScriptedSession(String... frames) {
            this.frames = new ArrayDeque<>(List.of(frames));
        }

        @Override
        public void sendText(String text) {
            sent.add(text);
        }

        @Override
        public Optional<String> receiveText() {
            return Optional.ofNullable(frames.poll());
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A transport that opens one scripted session and records the URI it was asked for. */
    static final class ScriptedTransport implements Transport {
        final ScriptedSession session;
        URI opened;

        ScriptedTransport(ScriptedSession session) {
            this.session = session;
        }

        @Override
        public HttpReply send(HttpCall call) {
            throw new UnsupportedOperationException("Spark speaks WebSocket only");
        }

        @Override
        public WebSocketSession openWebSocket(URI uri, Map<String, String> headers) {
            opened = uri;
            return session;
        }
    }

    static String frame(int status, String content, String usage) {
        return "{\"header\":{\"code\":0,\"message\":\"Success\",\"sid\":\"cht000abc@dx1\",\"status\":" + status + "},"
                + "\"payload\":{\"choices\":{\"status\":" + status + ",\"seq\":0,\"text\":[{\"content\":\"" + content
                + "\",\"role\":\"assistant\",\"index\":0}]}" + (usage == null ? "" : ",\"usage\":{\"text\":" + usage + "}")
                + "}}";
    }

    static String error(int code, String message) {
        return "{\"header\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"sid\":\"cht000err@dx2\",\"status\":2}}";
    }
}
