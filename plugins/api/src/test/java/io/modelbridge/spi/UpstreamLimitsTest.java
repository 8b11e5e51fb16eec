package io.modelbridge.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The SPI's records refuse sizes and counts out of bounds as the upstream's protocol failure. */
class UpstreamLimitsTest {

    @Test
    void choiceAndToolCallIndexesOutOfBoundsAreProtocolFailures() {
        assertProtocol(() -> new ChatChunk.TextDelta(Integer.MAX_VALUE, "x"));
        assertProtocol(() -> new ChatChunk.ReasoningDelta(-1, "x"));
        assertProtocol(() -> new ChatChunk.Finish(UpstreamLimits.MAX_CHOICES, FinishReason.STOP));
        assertProtocol(() -> new ChatChunk.ToolCallDelta(0, Integer.MAX_VALUE, "id", "f", "{}"));
        assertProtocol(() -> new ChatResponse.Choice(Integer.MAX_VALUE, null, FinishReason.STOP));
        assertEquals(127, new ChatChunk.ToolCallDelta(127, 127, null, null, "").callIndex());
    }

    @Test
    void moreChoicesThanTheBoundAreAProtocolFailure() {
        ChatResponse.Choice choice = new ChatResponse.Choice(0, null, FinishReason.STOP);
        assertProtocol(() -> new ChatResponse("x", Collections.nCopies(UpstreamLimits.MAX_CHOICES + 1, choice), null));
        assertEquals(1, new ChatResponse("x", List.of(choice), null).choices().size());
    }

    @Test
    void negativeOrAbsurdTokenCountsAreProtocolFailures() {
        assertProtocol(() -> Usage.of(-1, 5));
        assertProtocol(() -> Usage.of(5, Integer.MAX_VALUE));
        assertProtocol(() -> new Usage(1, 1, -2));
        assertEquals(UpstreamLimits.MAX_TOKENS, Usage.of(0, UpstreamLimits.MAX_TOKENS).completionTokens());
    }

    @Test
    void tokenCountsFromJsonAreWholeNumbersWithinTheBoundNeverNarrowed() {
        assertProtocol(() -> UpstreamLimits.tokenCount("prompt_tokens", 4_294_967_301L)); // 2^32+5, asInt() says 5
        assertProtocol(() -> UpstreamLimits.tokenCount("prompt_tokens", BigInteger.TWO.pow(64).add(BigInteger.ONE)));
        assertProtocol(() -> UpstreamLimits.tokenCount("prompt_tokens", 1e30));
        assertProtocol(() -> UpstreamLimits.tokenCount("prompt_tokens", -1));
        assertProtocol(() -> UpstreamLimits.tokenCount("prompt_tokens", 12.5));
        assertProtocol(() -> UpstreamLimits.tokenCount("prompt_tokens", Double.NaN));
        assertProtocol(() -> UpstreamLimits.tokenCount("prompt_tokens", null)); // the string "12", true, {}
        assertProtocol(() -> UpstreamLimits.tokenCount("prompt_tokens", UpstreamLimits.MAX_TOKENS + 1L));
        assertEquals(12, UpstreamLimits.tokenCount("prompt_tokens", 12));
        assertEquals(12, UpstreamLimits.tokenCount("prompt_tokens", 12.0));
        assertEquals(12, UpstreamLimits.tokenCount("prompt_tokens", new BigDecimal("1.2E+1")));
        assertEquals(UpstreamLimits.MAX_TOKENS,
                UpstreamLimits.tokenCount("prompt_tokens", (long) UpstreamLimits.MAX_TOKENS));
        assertEquals(2 * UpstreamLimits.MAX_TOKENS,
                UpstreamLimits.totalTokenCount("total_tokens", 2L * UpstreamLimits.MAX_TOKENS));
        assertProtocol(() -> UpstreamLimits.totalTokenCount("total_tokens", 4_294_967_301L));
    }

    private static void assertProtocol(Executable build) {
        ProviderException e = assertThrows(ProviderException.class, build);
        assertEquals(ProviderFailure.Kind.PROTOCOL, e.failure().kind(), e.getMessage());
    }
}
