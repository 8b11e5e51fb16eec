package io.modelbridge.spi;

import java.math.BigDecimal;
import java.math.BigInteger;

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

    /**
     * A token count read from a vendor's JSON: {@code value} is the parsed JSON number (Jackson's
     * {@code node.isNumber() ? node.numberValue() : null}), or null when the field held something else. It must be
     * a whole number in 0..{@link #MAX_TOKENS}; anything else (2^32+5, 1e30, -1, 12.5, the string "12") is a
     * {@code PROTOCOL} failure, never a silently narrowed int: 2^32+5 read with {@code asInt()} bills 5 tokens.
     *
     * @param field the JSON field, for the failure's message (e.g. {@code "prompt_tokens"})
     */
    public static int tokenCount(String field, Number value) {
        return count(field, value, MAX_TOKENS);
    }

    /** A total token count (prompt plus completion) read from a vendor's JSON, as {@link #tokenCount}. */
    public static int totalTokenCount(String field, Number value) {
        return count(field, value, 2 * MAX_TOKENS);
    }

    private static int count(String field, Number value, int max) {
        BigDecimal exact = exact(field, value);
        if (exact.signum() < 0 || exact.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw exceeded("token count " + field + " " + exact + " is outside 0.." + max);
        }
        if (exact.remainder(BigDecimal.ONE).signum() != 0) {
            throw exceeded("token count " + field + " " + exact.toPlainString() + " is not a whole number");
        }
        return exact.intValueExact();
    }

    private static BigDecimal exact(String field, Number value) {
        return switch (value) {
            case null -> throw exceeded("token count " + field + " is not a JSON number");
            case Integer i -> BigDecimal.valueOf(i);
            case Long l -> BigDecimal.valueOf(l);
            case Short s -> BigDecimal.valueOf(s);
            case Byte b -> BigDecimal.valueOf(b);
            case BigInteger b -> new BigDecimal(b);
            case BigDecimal d -> d;
            default -> {
                double d = value.doubleValue();
                if (!Double.isFinite(d)) {
                    throw exceeded("token count " + field + " " + d + " is not a finite number");
                }
                yield new BigDecimal(d);
            }
        };
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
