package io.modelbridge.gateway.http;

import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.UpstreamLimits;
import io.modelbridge.spi.Usage;

/**
 * What a stream delivered, for its usage row: text (to count tokens when the upstream reports none), usage, timing.
 * A stream delivering more than {@value #MAX_COMPLETION_CHARS} characters (some 8 million tokens, far past any model's
 * output limit) is the upstream breaking its protocol: it fails rather than grow the text without bound.
 */
final class StreamTally {
    static final int MAX_COMPLETION_CHARS = 8 * 1024 * 1024;
    private final StringBuilder completion = new StringBuilder();
    private final long startNanos;
    private Usage usage;
    private long firstByteNanos;

    StreamTally(long startNanos) {
        this.startNanos = startNanos;
    }

    void add(ChatChunk chunk) {
        record(chunk);
        if (completion.length() > MAX_COMPLETION_CHARS) {
            throw UpstreamLimits.exceeded("a stream of more than " + MAX_COMPLETION_CHARS + " characters");
        }
    }

    private void record(ChatChunk chunk) {
        switch (chunk) {
            case ChatChunk.TextDelta t -> completion.append(t.text());
            case ChatChunk.ReasoningDelta r -> completion.append(r.text());
            case ChatChunk.ToolCallDelta tc -> completion.append(tc.name() == null ? "" : tc.name())
                    .append(tc.argumentsFragment() == null ? "" : tc.argumentsFragment());
            case ChatChunk.UsageReport u -> usage = u.usage();
            case ChatChunk.Finish f -> { }
            case ChatChunk.Fields f -> { }
        }
    }

    void firstByte() {
        if (firstByteNanos == 0) {
            firstByteNanos = System.nanoTime();
        }
    }

    String completionText() {
        return completion.toString();
    }

    Usage reportedUsage() {
        return usage;
    }

    Integer ttftMillis() {
        return firstByteNanos == 0 ? null : (int) ((firstByteNanos - startNanos) / 1_000_000);
    }
}
