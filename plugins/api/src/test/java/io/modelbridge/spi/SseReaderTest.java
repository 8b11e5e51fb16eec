package io.modelbridge.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
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
}
