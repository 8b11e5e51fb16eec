package io.modelbridge.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    private static void assertProtocol(Executable build) {
        ProviderException e = assertThrows(ProviderException.class, build);
        assertEquals(ProviderFailure.Kind.PROTOCOL, e.failure().kind(), e.getMessage());
    }
}
