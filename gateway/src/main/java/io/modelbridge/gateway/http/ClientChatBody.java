package io.modelbridge.gateway.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A chat request's body as the client sent it, for an upstream that gets it without translation
 * ({@link io.modelbridge.spi.ChatPassthrough}): {@link ChatRequestReader} keeps it only when the upstream body the
 * openai plugin would write says nothing else, apart from the model. It goes with only the top-level {@code model}
 * value replaced, and, for a stream that did not ask for usage, {@code "stream_options":{"include_usage":true}} added
 * as the writer adds it (the gateway needs the counts; its own encoder decides what the client sees). Key order,
 * whitespace, numbers as written ({@code 1.0}, {@code 1e2}) and unknown fields stay the client's.
 *
 * @param bytes            the body
 * @param objectStart      where the body's object opens
 * @param modelStart       where the top-level model's string value starts (its opening quote)
 * @param modelEnd         just past its closing quote
 * @param tokenField       the completion-token limit's field, {@code max_tokens} or {@code max_completion_tokens}, or
 *                         null when the client set none
 * @param addStreamOptions whether to add {@code stream_options.include_usage}
 */
record ClientChatBody(byte[] bytes, int objectStart, int modelStart, int modelEnd, String tokenField,
                      boolean addStreamOptions) {
    private static final byte[] STREAM_OPTIONS = "\"stream_options\":{\"include_usage\":true},"
            .getBytes(StandardCharsets.US_ASCII);

    /** The body for the upstream model {@code model}. */
    byte[] withModel(String model) {
        byte[] name = quoted(model);
        byte[] added = addStreamOptions ? STREAM_OPTIONS : new byte[0];
        byte[] out = new byte[bytes.length - (modelEnd - modelStart) + name.length + added.length];
        int open = objectStart + 1;
        System.arraycopy(bytes, 0, out, 0, open);
        int at = open;
        System.arraycopy(added, 0, out, at, added.length);
        at += added.length;
        System.arraycopy(bytes, open, out, at, modelStart - open);
        at += modelStart - open;
        System.arraycopy(name, 0, out, at, name.length);
        at += name.length;
        System.arraycopy(bytes, modelEnd, out, at, bytes.length - modelEnd);
        return out;
    }

    private static byte[] quoted(String value) {
        byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(value);
        byte[] out = new byte[escaped.length + 2];
        out[0] = '"';
        System.arraycopy(escaped, 0, out, 1, escaped.length);
        out[out.length - 1] = '"';
        return out;
    }
}
