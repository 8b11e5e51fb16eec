package io.modelbridge.gateway.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderTextTest {

    @Test
    void aValueOfVisibleAsciiAndInnerSpacesIsKeptAsItIs() {
        for (String value : java.util.List.of("gpt-4o", "openai@1.0.2", "meta/llama-3", "a b", "100%", "",
                "Every channel; retry in 3 s.")) {
            assertSame(value, HeaderText.value(value), value);
        }
    }

    @Test
    void controlsDelNonAsciiAndOuterSpacesArePercentEncodedWithThePercentSign() {
        assertEquals("dead%0D%0ASet-Cookie: x=1", HeaderText.value("dead\r\nSet-Cookie: x=1"));
        assertEquals("a%0Ab", HeaderText.value("a\nb"));
        assertEquals("a%00b%09c%7F", HeaderText.value("a\u0000b\tc\u007f"));
        assertEquals("%20x%20", HeaderText.value(" x "));
        assertEquals("caf%C3%A9 100%25", HeaderText.value("caf\u00e9 100%"));
        assertEquals("%F0%9F%98%80", HeaderText.value("\uD83D\uDE00"), "a surrogate pair is one character");
    }

    @Test
    void everyEncodedValueIsVisibleAsciiOnly() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x3000; c++) {
            all.append(c);
        }
        String encoded = HeaderText.value(all.toString());
        assertTrue(encoded.chars().allMatch(c -> c >= 0x20 && c < 0x7f), encoded);
    }

    @Test
    void aHeaderNameMustBeAToken() {
        assertEquals("x-modelbridge-channel", HeaderText.name("x-modelbridge-channel"));
        for (String name : java.util.List.of("", "a b", "a:b", "a\r\nb", "a\u0000", "caf\u00e9")) {
            assertThrows(IllegalArgumentException.class, () -> HeaderText.name(name), name);
        }
    }

    @Test
    void aGatewayExceptionCarriesOnlySafeHeadersInTheirOrder() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Retry-After", "3");
        headers.put("x-modelbridge-channel", "dead\r\nSet-Cookie: x=1");
        GatewayException e = new GatewayException(ApiError.internal("req_1"), headers);
        assertEquals("dead%0D%0ASet-Cookie: x=1", e.headers().get("x-modelbridge-channel"));
        assertEquals(java.util.List.of("Retry-After", "x-modelbridge-channel"), java.util.List.copyOf(e.headers().keySet()));
        assertThrows(IllegalArgumentException.class,
                () -> new GatewayException(ApiError.internal("req_1"), Map.of("Set-Cookie: x", "1")));
    }
}
