package io.modelbridge.gateway.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.modelbridge.spi.ChatPassthrough;
import java.nio.charset.StandardCharsets;

/**
 * A whole upstream answer relayed as its text came ({@link ChatPassthrough.Answer}), with only three values replaced
 * by the gateway's: {@code id}, {@code created} and {@code model} (the name the client asked for), as the encoder
 * would write them. Everything else (key order, numbers as written, the usage object with its detail fields) is the
 * upstream's. An answer of single-byte characters (the usual one) is spliced as bytes, in one array of the exact size.
 * A stream's events relayed as they came ({@link ResponseEncoder#relayed}) are spliced the same way.
 */
final class RelayedAnswer {
    private RelayedAnswer() {}

    static byte[] of(ChatPassthrough.Answer answer, String id, long created, String model) {
        return spliced(answer.text(), new ChatPassthrough.Span[] {answer.id(), answer.created(), answer.model()},
                values(id, created, model));
    }

    /** The three values as they go into the text, in the order of {@link #of}'s spans: id, created, model. */
    static byte[][] values(String id, long created, String model) {
        return new byte[][] {quoted(id.getBytes(StandardCharsets.UTF_8)),
                Long.toString(created).getBytes(StandardCharsets.US_ASCII),
                quoted(JsonStringEncoder.getInstance().quoteAsUTF8(model))};
    }

    /**
     * {@code text} as UTF-8 with each span replaced by the value of its position (spans do not overlap; values past
     * the last span are unused).
     */
    static byte[] spliced(String text, ChatPassthrough.Span[] spans, byte[][] values) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length != text.length()) { // a character of more than one byte: the spans count chars
            return splicedChars(text, spans, values).getBytes(StandardCharsets.UTF_8);
        }
        int size = bytes.length;
        for (int i = 0; i < spans.length; i++) {
            size += values[i].length - (spans[i].end() - spans[i].start());
        }
        byte[] out = new byte[size];
        int from = 0;
        int at = 0;
        for (int i : order(spans)) {
            int length = spans[i].start() - from;
            System.arraycopy(bytes, from, out, at, length);
            at += length;
            System.arraycopy(values[i], 0, out, at, values[i].length);
            at += values[i].length;
            from = spans[i].end();
        }
        System.arraycopy(bytes, from, out, at, bytes.length - from);
        return out;
    }

    private static String splicedChars(String text, ChatPassthrough.Span[] spans, byte[][] values) {
        StringBuilder out = new StringBuilder(text.length() + 64);
        int from = 0;
        for (int i : order(spans)) {
            out.append(text, from, spans[i].start()).append(new String(values[i], StandardCharsets.UTF_8));
            from = spans[i].end();
        }
        return out.append(text, from, text.length()).toString();
    }

    /** The indexes of the spans in the order they come in the text. */
    private static int[] order(ChatPassthrough.Span[] spans) {
        int[] order = new int[spans.length];
        for (int i = 0; i < spans.length; i++) {
            order[i] = i;
        }
        for (int i = 1; i < spans.length; i++) {
            for (int j = i; j > 0 && spans[order[j]].start() < spans[order[j - 1]].start(); j--) {
                int swap = order[j];
                order[j] = order[j - 1];
                order[j - 1] = swap;
            }
        }
        return order;
    }

    private static byte[] quoted(byte[] value) {
        byte[] out = new byte[value.length + 2];
        out[0] = '"';
        System.arraycopy(value, 0, out, 1, value.length);
        out[out.length - 1] = '"';
        return out;
    }
}
