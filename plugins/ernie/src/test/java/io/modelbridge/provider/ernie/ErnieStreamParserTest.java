package io.modelbridge.provider.ernie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.Usage;
import io.modelbridge.testkit.ChunkRecorder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ERNIE's SSE framing on canned bytes (vendor-protocols.md 3.5), the cases the simulator does not produce. */
class ErnieStreamParserTest {
    private static final ErnieCredential CREDENTIAL = new ErnieCredential("ak-test-1234", "sk-test-5678");

    @Test
    void incrementalResultsThenIsEndWithFinishReasonAndUsage() {
        ChunkRecorder out = parse("""
                data: {"id":"as-1","object":"chat.completion","sentence_id":0,"is_end":false,"result":"您好，","usage":{"prompt_tokens":11,"completion_tokens":0,"total_tokens":11}}

                data: {"id":"as-1","object":"chat.completion","sentence_id":1,"is_end":false,"result":"我是文心一言。"}

                data: {"id":"as-1","object":"chat.completion","sentence_id":2,"is_end":true,"result":"","finish_reason":"normal","usage":{"prompt_tokens":11,"completion_tokens":16,"total_tokens":27}}

                """);
        assertEquals(List.of(new ChatChunk.TextDelta(0, "您好，"), new ChatChunk.TextDelta(0, "我是文心一言。"),
                new ChatChunk.Finish(0, FinishReason.STOP), new ChatChunk.UsageReport(new Usage(11, 16, 27))),
                out.chunks());
    }

    @Test
    void truncationAndOutputFilteringAreFinishReasons() {
        assertEquals(FinishReason.LENGTH, finish("\"is_end\":true,\"result\":\"x\",\"is_truncated\":true"));
        assertEquals(FinishReason.LENGTH, finish("\"is_end\":true,\"result\":\"x\",\"finish_reason\":\"length\""));
        assertEquals(FinishReason.CONTENT_FILTER,
                finish("\"is_end\":true,\"result\":\"x\",\"finish_reason\":\"content_filter\""));
    }

    @Test
    void aFlagAfterTextWasRelayedEndsTheStreamAsContentFilter() {
        ChunkRecorder out = parse("""
                data: {"is_end":false,"result":"Some text"}

                data: {"is_end":true,"result":"I cannot discuss this.","need_clear_history":true,"ban_round":-1}

                """);
        assertEquals(List.of(new ChatChunk.TextDelta(0, "Some text"), new ChatChunk.Finish(0, FinishReason.CONTENT_FILTER)),
                out.chunks());
    }

    @Test
    void errorsAsABareJsonLineOrAsAnEventAreClassified() {
        ChunkRecorder out = new ChunkRecorder();
        ProviderException bare = assertThrows(ProviderException.class, () -> new ErnieStreamParser(CREDENTIAL, out)
                .parse(bytes("data: {\"is_end\":false,\"result\":\"partial\"}\n\n{\"error_code\":336100,"
                        + "\"error_msg\":\"Server high load\"}\n")));
        assertEquals(Kind.UNAVAILABLE, bare.failure().kind());
        assertEquals("partial", out.text());
        ProviderException event = assertThrows(ProviderException.class, () -> parse(
                "data: {\"error_code\":18,\"error_msg\":\"Open api qps request limit reached\"}\n\n"));
        assertEquals(Kind.RATE_LIMIT, event.failure().kind());
        assertTrue(event.failure().message().startsWith("upstream error in stream"), event.failure().message());
    }

    @Test
    void aStreamWithoutIsEndOrWithGarbageIsAProtocolError() {
        assertEquals(Kind.PROTOCOL, assertThrows(ProviderException.class,
                () -> parse("data: {\"is_end\":false,\"result\":\"cut\"}\n\n")).failure().kind());
        assertEquals(Kind.PROTOCOL, assertThrows(ProviderException.class,
                () -> parse("data: not json\n\n")).failure().kind());
    }

    @Test
    void commentsAndEventLinesAreIgnoredAndTheLastEventNeedsNoBlankLine() {
        ChunkRecorder out = parse(": keep-alive\n\nevent: message\ndata: {\"is_end\":false,\"result\":\"a\"}\n\n"
                + "data: {\"is_end\":true,\"result\":\"b\",\"finish_reason\":\"stop\"}");
        assertEquals("ab", out.text());
        assertEquals(List.of(new ChatChunk.Finish(0, FinishReason.STOP)), out.of(ChatChunk.Finish.class));
    }

    private static FinishReason finish(String fields) {
        return parse("data: {" + fields + "}\n\n").of(ChatChunk.Finish.class).getFirst().reason();
    }

    private static ChunkRecorder parse(String stream) {
        ChunkRecorder out = new ChunkRecorder();
        new ErnieStreamParser(CREDENTIAL, out).parse(bytes(stream));
        return out;
    }

    private static ByteArrayInputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aLineThatNeverEndsIsAProtocolFailureAtTheLineBound() {
        long[] served = {0};
        byte[] prefix = "data: {\"result\":\"".getBytes(StandardCharsets.US_ASCII);
        java.io.InputStream endless = new java.io.InputStream() {
            @Override
            public int read() {
                long at = served[0]++;
                return at < prefix.length ? prefix[(int) at] : 'a';
            }
        };
        ProviderException e = assertThrows(ProviderException.class,
                () -> new ErnieStreamParser(CREDENTIAL, new ChunkRecorder()).parse(endless));
        assertEquals(Kind.PROTOCOL, e.failure().kind());
        assertTrue(served[0] <= io.modelbridge.spi.UpstreamLimits.MAX_SSE_LINE_BYTES + 16_384, "read " + served[0]);
    }
}
