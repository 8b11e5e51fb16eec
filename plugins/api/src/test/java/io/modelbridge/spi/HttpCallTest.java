package io.modelbridge.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpCallTest {
    private static final URI URL = URI.create("http://127.0.0.1:9000/v1/chat/completions");
    private static final Map<String, String> HEADERS = Map.of("Authorization", "Bearer sk-test", "Accept",
            "application/json", "User-Agent", "modelbridge");

    @Test
    void aJsonPostCarriesTheCallersHeadersAndAJsonContentType() {
        HttpCall call = HttpCall.postJson(URL, HEADERS, "{}");
        assertEquals(Map.of("Authorization", "Bearer sk-test", "Accept", "application/json", "User-Agent",
                "modelbridge", "Content-Type", "application/json"), call.headers());
        assertThrows(UnsupportedOperationException.class, () -> call.headers().put("x", "y"));
        assertEquals(Map.of("Content-Type", "application/json"),
                HttpCall.postJson(URL, Map.of("Content-Type", "text/plain"), "{}").headers(), "ours wins");
    }

    /** Issue 16: the headers were copied twice per call (a HashMap, then Map.copyOf). */
    @Test
    void aJsonPostCopiesItsHeadersOnce() {
        int calls = 50_000;
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long perCall = Long.MAX_VALUE;
        // the least of up to 30 rounds: on a busy machine the first ones run before the JIT has compiled the path
        for (int round = 0; round < 30 && perCall >= 360; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++) {
                HttpCall.postJson(URL, HEADERS, "");
            }
            perCall = Math.min(perCall, (threads.getCurrentThreadAllocatedBytes() - before) / calls);
        }
        System.out.printf("HttpCallTest: %d bytes per JSON POST with three headers%n", perCall);
        assertTrue(perCall < 460, perCall + " bytes per call (512 before issue 16)");
    }
}
