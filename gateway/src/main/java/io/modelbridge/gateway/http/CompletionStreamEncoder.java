package io.modelbridge.gateway.http;

import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.ErrorShape;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.Usage;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * OpenAI's legacy completion stream: {@code data: <text_completion>} events with the text of a choice, one with its
 * finish reason, optionally a trailing usage chunk, then {@code data: [DONE]}; a failure after the stream began is
 * one {@code data: {"error":...}} event. Reasoning and tool calls have no place in a text completion and are left out.
 */
final class CompletionStreamEncoder implements StreamEncoder {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private final CompletionEncoder encoder;
    private final ErrorShape errors;
    private final boolean includeUsage;

    CompletionStreamEncoder(CompletionEncoder encoder, ErrorShape errors, boolean includeUsage) {
        this.encoder = encoder;
        this.errors = errors;
        this.includeUsage = includeUsage;
    }

    @Override
    public void chunk(ChatChunk chunk, Consumer<byte[]> out) {
        switch (chunk) {
            case ChatChunk.TextDelta t -> out.accept(OpenAiStreamEncoder.data(
                    encoder.chunk(t.index(), t.text(), null, includeUsage)));
            case ChatChunk.Finish f -> out.accept(OpenAiStreamEncoder.data(
                    encoder.chunk(f.index(), "", f.reason(), includeUsage)));
            case ChatChunk.ReasoningDelta r -> { }
            case ChatChunk.ToolCallDelta tc -> { }
            case ChatChunk.UsageReport u -> { } // sent last, if at all
            case ChatChunk.Fields f -> { } // chat-completion fields (system_fingerprint, ...): not part of text_completion
        }
    }

    @Override
    public void end(Usage usage, Consumer<byte[]> out) {
        if (includeUsage) {
            out.accept(OpenAiStreamEncoder.data(encoder.usageChunk(usage)));
        }
        out.accept(DONE);
    }

    @Override
    public void fail(ApiError error, Consumer<byte[]> out) {
        out.accept(OpenAiStreamEncoder.data(errors.body(error)));
    }
}
