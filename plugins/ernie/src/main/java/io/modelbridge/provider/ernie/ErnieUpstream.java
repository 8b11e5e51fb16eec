package io.modelbridge.provider.ernie;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.HttpCall;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.UpstreamLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Authenticated calls to ERNIE's model endpoints. ERNIE answers errors with HTTP 200 and an {@code error_code} body,
 * also in stream mode (a bare JSON body instead of {@code data:} events), so every answer is looked at before it
 * is handed on. An answer of 110/111 (token invalid or expired) makes it fetch a new token and send the call once
 * more; nothing has reached the caller at that point, so the retry is invisible.
 */
final class ErnieUpstream {
    private final ErnieTokenSource tokens;

    ErnieUpstream(ErnieTokenSource tokens) {
        this.tokens = tokens;
    }

    /** A successful answer: a whole JSON body, or an SSE stream whose reply the caller must close. */
    sealed interface Answer {
        record Json(JsonNode body) implements Answer {}

        record Events(HttpReply reply, InputStream body) implements Answer {}
    }

    /** Posts {@code json} to {@code path} (under the channel's base URL) with a valid access token. */
    Answer post(CallContext ctx, ErnieCredential credential, String path, String json, boolean stream) {
        for (int attempt = 1; ; attempt++) {
            AccessToken token = tokens.token(ctx, credential);
            Optional<Answer> answer = send(ctx, credential, token, path, json, stream, attempt == 1);
            if (answer.isPresent()) {
                return answer.get();
            }
            tokens.rejected(ctx, credential, token);
        }
    }

    /** The answer, or empty when the token was refused and one retry is still allowed. */
    private static Optional<Answer> send(CallContext ctx, ErnieCredential credential, AccessToken token, String path,
                                         String json, boolean stream, boolean mayRetry) {
        URI uri = URI.create(ctx.settings().endpoint(ErnieEndpoints.DEFAULT_BASE_URL, path) + "?access_token="
                + URLEncoder.encode(token.value(), StandardCharsets.UTF_8));
        HttpCall call = HttpCall.postJson(uri, Map.of("Accept", stream ? "text/event-stream" : "application/json"), json);
        HttpReply reply = ctx.transport().send(call);
        boolean handedOver = false;
        try {
            PushbackInputStream body = new PushbackInputStream(reply.body(), 1);
            int first = peek(body);
            boolean ok = reply.status() / 100 == 2;
            if (ok && stream && first != '{' && first != -1) {
                handedOver = true;
                return Optional.of(new Answer.Events(reply, body));
            }
            String text = readAll(body);
            Optional<JsonNode> node = ErnieJson.object(text);
            if (node.isEmpty()) {
                throw ok ? ErnieErrors.protocol("ERNIE answered something that is not JSON: " + ErnieErrors.excerpt(text))
                        : ErnieErrors.withoutBody(reply.status(), text, ErnieErrors.retryAfter(reply.header("Retry-After")));
            }
            Optional<Integer> code = ErnieErrors.code(node.get());
            if (code.isPresent()) {
                if (ErnieErrors.isTokenRejected(code.get()) && mayRetry) {
                    return Optional.empty();
                }
                throw ErnieErrors.fromBody(node.get(), reply.status(), credential,
                        ErnieErrors.retryAfter(reply.header("Retry-After")));
            }
            if (!ok) {
                throw ErnieErrors.withoutBody(reply.status(), text, ErnieErrors.retryAfter(reply.header("Retry-After")));
            }
            return Optional.of(new Answer.Json(node.get()));
        } finally {
            if (!handedOver) {
                reply.close();
            }
        }
    }

    /** The first byte that is not white space, pushed back; -1 at the end of the body. */
    private static int peek(PushbackInputStream body) {
        try {
            int b = body.read();
            while (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                b = body.read();
            }
            if (b >= 0) {
                body.unread(b);
            }
            return b;
        } catch (IOException e) {
            throw lost(e);
        }
    }

    /** The whole body, at most {@link UpstreamLimits#MAX_MESSAGE_BYTES}; a longer one is a protocol failure. */
    private static String readAll(InputStream body) {
        try {
            byte[] bytes = body.readNBytes(UpstreamLimits.MAX_MESSAGE_BYTES + 1);
            if (bytes.length > UpstreamLimits.MAX_MESSAGE_BYTES) {
                throw UpstreamLimits.exceeded("an answer longer than " + UpstreamLimits.MAX_MESSAGE_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw lost(e);
        }
    }

    static ProviderException lost(IOException e) {
        return new ProviderException(ProviderFailure.of(ProviderFailure.Kind.UNAVAILABLE,
                "connection to ERNIE lost while reading the answer"), e);
    }
}
