package io.modelbridge.gateway.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EmailAddressesTest {
    @Test
    void plainAddressesAreAcceptedInLowerCase() {
        assertEquals(Optional.of("dana@example.com"), EmailAddresses.normalized(" Dana@Example.COM "));
        assertEquals(Optional.of("o'neil+tag@mail.example.co.uk"),
                EmailAddresses.normalized("o'neil+tag@mail.example.co.uk"));
    }

    @Test
    void anythingAMailerCouldReadAsSomethingElseIsRefused() {
        for (String typed : List.of("a,attacker@example.com", "x(y)@example.com", "<a@example.com>",
                "A <a@example.com>", "\"a b\"@example.com", "a@example.com, b@example.com", "a@[127.0.0.1]",
                "a..b@example.com", ".a@example.com", "a.@example.com", "a@example", "a@-example.com",
                "a@example.com\u0000", "nul\u0000@example.com", "a b@example.com", "a@b@example.com",
                "a;b@example.com", "a\\b@example.com", "a:b@example.com", "@example.com", "a@",
                "x".repeat(65) + "@example.com", "a@" + "b".repeat(250) + ".com")) {
            assertEquals(Optional.empty(), EmailAddresses.normalized(typed), typed);
        }
    }

    @Test
    void aMailGoesToExactlyOneCheckedAddress() {
        assertThrows(IllegalArgumentException.class, () -> new Mail("a,attacker@example.com", "s", "t"));
        assertThrows(IllegalArgumentException.class, () -> new Mail("Dana@example.com", "s", "t"));
        assertEquals("dana@example.com", new Mail("dana@example.com", "s", "t").to());
    }
}
