package io.modelbridge.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseReaderTest {

    private static SseReader reader(String text) {
        return new SseReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsDashScopeFramingWithCommentsIdsAndEventNames() {
        SseReader r = reader("id:1\nevent:result\n:HTTP_STATUS/200\ndata:{\"a\":1}\n\n: keep-alive\n\ndata: [DONE]\n\n");
        assertEquals(new SseEvent("result", "{\"a\":1}", "1"), r.next().orElseThrow());
        assertEquals(new SseEvent("message", "[DONE]", null), r.next().orElseThrow());
        assertTrue(r.next().isEmpty());
    }

    @Test
    void joinsMultipleDataLinesAndAcceptsCrlf() {
        SseReader r = reader("data: one\r\ndata: two\r\n\r\n");
        assertEquals("one\ntwo", r.next().orElseThrow().data());
    }

    @Test
    void dropsAnUnterminatedLastEvent() {
        SseReader r = reader("data: {\"complete\":true}\n\ndata: {\"trunc");
        assertEquals("{\"complete\":true}", r.next().orElseThrow().data());
        assertTrue(r.next().isEmpty());
    }

    @Test
    void keepsUtf8IntactAcrossTheStream() {
        assertEquals("你好，世界", reader("data: 你好，世界\n\n").next().orElseThrow().data());
    }

    /** Hands out at most {@code step} bytes a read, as a socket may. */
    private static SseReader trickle(String text, int step) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new SseReader(new InputStream() {
            private int pos;

            @Override
            public int read() {
                return pos < bytes.length ? bytes[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos == bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, step), bytes.length - pos);
                System.arraycopy(bytes, pos, b, off, n);
                pos += n;
                return n;
            }
        });
    }

    @Test
    void readsEventsHandedOutAByteAtATimeWithEveryLineEnd() {
        String text = "data: 你好\r\n\r\ndata: a\rdata: b\r\rdata: c\n\ndata: [DONE]\n\n";
        for (int step : new int[] {1, 2, 3, 7, 4096}) {
            SseReader r = trickle(text, step);
            assertEquals("你好", r.next().orElseThrow().data(), "step " + step);
            assertEquals("a\nb", r.next().orElseThrow().data(), "step " + step);
            assertEquals("c", r.next().orElseThrow().data(), "step " + step);
            assertEquals("[DONE]", r.next().orElseThrow().data(), "step " + step);
            assertTrue(r.next().isEmpty(), "step " + step);
        }
    }

    @Test
    void readsLinesLongerThanItsBufferAndKeepsGoingAfterThem() {
        String big = "x".repeat(SseReader.INITIAL_BUFFER * 5 + 3) + "é";
        SseReader r = trickle("data: " + big + "\n\ndata: small\n\n", 1000);
        assertEquals(big, r.next().orElseThrow().data());
        assertEquals("small", r.next().orElseThrow().data());
        assertTrue(r.next().isEmpty());
    }

    @Test
    void turnsMalformedUtf8IntoReplacementCharacters() {
        byte[] bytes = {'d', 'a', 't', 'a', ':', ' ', (byte) 0xff, 'a', '\n', '\n'};
        assertEquals("\ufffda", new SseReader(new ByteArrayInputStream(bytes)).next().orElseThrow().data());
    }

    @Test
    void aLineThatNeverEndsIsAProtocolFailureOnceItPassesTheBound() {
        EndlessBytes body = new EndlessBytes("data: ".getBytes(StandardCharsets.US_ASCII), (byte) 'a');
        ProviderException e = assertThrows(ProviderException.class, () -> new SseReader(body).next());
        assertEquals(ProviderFailure.Kind.PROTOCOL, e.failure().kind());
        assertTrue(body.served <= UpstreamLimits.MAX_SSE_LINE_BYTES + 8192, "stopped at the bound, read " + body.served);
    }

    @Test
    void anEventOfEndlesslyManyDataLinesIsAProtocolFailureOnceItPassesTheBound() {
        EndlessBytes body = new EndlessBytes(new byte[0], (byte) 'a', "data: 0123456789abcdef\n".getBytes(StandardCharsets.US_ASCII));
        ProviderException e = assertThrows(ProviderException.class, () -> new SseReader(body).next());
        assertEquals(ProviderFailure.Kind.PROTOCOL, e.failure().kind());
        assertTrue(body.served <= 4L * UpstreamLimits.MAX_SSE_LINE_BYTES, "stopped at the bound, read " + body.served);
    }

    /** A body that never ends: a prefix, then {@code pattern} (or one byte) repeated, counting what it served. */
    private static final class EndlessBytes extends InputStream {
        private final byte[] prefix;
        private final byte[] pattern;
        long served;

        EndlessBytes(byte[] prefix, byte fill, byte[]... pattern) {
            this.prefix = prefix;
            this.pattern = pattern.length == 0 ? new byte[] {fill} : pattern[0];
        }

        @Override
        public int read() {
            long at = served++;
            return at < prefix.length ? prefix[(int) at] : pattern[(int) ((at - prefix.length) % pattern.length)];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            for (int i = 0; i < len; i++) {
                b[off + i] = (byte) read();
            }
            return len;
        }
    }
}
