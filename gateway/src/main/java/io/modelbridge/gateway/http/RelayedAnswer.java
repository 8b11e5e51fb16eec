package io.modelbridge.gateway.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.modelbridge.spi.ChatPassthrough;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * A whole upstream answer relayed as its text came ({@link ChatPassthrough.Answer}), with only three values replaced
 * by the gateway's: {@code id}, {@code created} and {@code model} (the name the client asked for), as the encoder
 * would write them. Everything else (key order, numbers as written, the usage object with its detail fields) is the
 * upstream's.
 */
final class RelayedAnswer {
    private RelayedAnswer() {}

    private record Replacement(ChatPassthrough.Span span, String value) {}

    static byte[] of(ChatPassthrough.Answer answer, String id, long created, String model) {
        Replacement[] replacements = {new Replacement(answer.id(), quoted(id)),
                new Replacement(answer.created(), Long.toString(created)), new Replacement(answer.model(), quoted(model))};
        Arrays.sort(replacements, Comparator.comparingInt(r -> r.span().start()));
        String text = answer.text();
        StringBuilder out = new StringBuilder(text.length() + id.length() + model.length());
        int at = 0;
        for (Replacement r : replacements) {
            out.append(text, at, r.span().start()).append(r.value());
            at = r.span().end();
        }
        out.append(text, at, text.length());
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String quoted(String value) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + '"';
    }
}
