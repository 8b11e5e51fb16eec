package io.modelbridge.gateway.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomIdsTest {

    @Test
    void urlSafeBase64OfTheGivenNumberOfBytes() {
        assertTrue(RandomIds.base64Url(12).matches("[A-Za-z0-9_-]{16}"));
        assertTrue(RandomIds.base64Url(9).matches("[A-Za-z0-9_-]{12}"));
        assertTrue(RandomIds.base64Url(18).matches("[A-Za-z0-9_-]{24}"));
        assertEquals(43, RandomIds.base64Url(32).length());
    }

    @Test
    void idsDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertTrue(seen.add(RandomIds.base64Url(9)));
        }
    }
}
