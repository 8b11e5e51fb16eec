package io.modelbridge.spi;

/**
 * Bounds on every size and count the gateway takes from a vendor's answer, so that a hostile or broken upstream
 * cannot make the gateway allocate without limit (a choice index of 2^31-1 once cost 256 MB per stream) or bill
 * absurd token counts. Exceeding one is the upstream breaking its protocol: a {@code PROTOCOL} failure (502
 * {@code upstream_bad_response}, or an error event once a stream began), never an allocation.
 *
 * <p>The SPI's records check their own fields ({@link ChatChunk}, {@link ChatResponse}, {@link Usage}), and
 * {@link SseReader} its lines, so every plugin is held to these bounds whatever its parser does.
 */
public final class UpstreamLimits {
    /** Choices per answer, and one past the highest choice index: OpenAI's {@code n} is at most 128. */
    public static final int MAX_CHOICES = 128;
    /** Tool calls per choice, and one past the highest tool-call index: OpenAI allows 128 tools per request. */
    public static final int MAX_TOOL_CALLS = 128;
    /** The largest token count one call may report (ten times the longest context window sold today). */
    public static final int MAX_TOKENS = 100_000_000;
    /** The longest SSE line (bytes) a stream may send; an event's data is at most twice this (chars). */
    public static final int MAX_SSE_LINE_BYTES = 4 * 1024 * 1024;
    /** The largest WebSocket message (chars) and non-streamed 2xx body (bytes) a vendor may send. */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    /** How much of an error answer's body is read; the rest is dropped (errors are classified by their start). */
    public static final int MAX_ERROR_BODY_BYTES = 64 * 1024;

    private UpstreamLimits() {}

    /** {@code index} if it is a choice index the gateway accepts. */
    public static int choiceIndex(int index) {
        return within(index, MAX_CHOICES, "choice index");
    }

    /** {@code index} if it is a tool-call index the gateway accepts. */
    public static int toolCallIndex(int index) {
        return within(index, MAX_TOOL_CALLS, "tool call index");
    }

    /** {@code count} if it is a token count the gateway accepts (0 to {@link #MAX_TOKENS}). */
    public static int tokens(int count) {
        if (count < 0 || count > MAX_TOKENS) {
            throw exceeded("token count " + count + " is outside 0.." + MAX_TOKENS);
        }
        return count;
    }

    /** The failure for an upstream that broke one of these bounds. */
    public static ProviderException exceeded(String what) {
        return new ProviderException(ProviderFailure.of(ProviderFailure.Kind.PROTOCOL,
                "the upstream answer broke the gateway's limits: " + what));
    }

    private static int within(int index, int bound, String what) {
        if (index < 0 || index >= bound) {
            throw exceeded(what + " " + index + " is outside 0.." + (bound - 1));
        }
        return index;
    }
}
