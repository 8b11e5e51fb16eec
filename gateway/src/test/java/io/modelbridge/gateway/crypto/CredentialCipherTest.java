package io.modelbridge.gateway.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CredentialCipherTest {
    private final CredentialCipher cipher = new CredentialCipher(new byte[32]);

    @Test
    void sealsAndOpensWithoutKeepingThePlaintext() {
        byte[] sealed = cipher.seal("ch", "sk-secret-value");
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("sk-secret-value"));
        assertEquals("sk-secret-value", cipher.open("ch", sealed));
        assertFalse(Arrays.equals(sealed, cipher.seal("ch", "sk-secret-value")), "a fresh nonce every time");
    }

    @Test
    void refusesAnotherChannelAnotherKeyOrTampering() {
        byte[] sealed = cipher.seal("ch", "sk-secret-value");
        assertThrows(IllegalArgumentException.class, () -> cipher.open("other", sealed));
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;
        assertThrows(IllegalArgumentException.class, () -> new CredentialCipher(otherKey).open("ch", sealed));
        sealed[sealed.length - 1] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> cipher.open("ch", sealed));
    }
}
