package io.modelbridge.gateway.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** API key secrets: {@code mb-} + 32 random bytes in base64url; only their SHA-256 and a prefix are stored. */
public final class KeySecrets {
    static final String SCHEME = "mb-";
    /** "mb-" and 8 characters of the secret: enough to tell keys apart, far too little to guess one. */
    static final int PREFIX_LENGTH = 11;
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeySecrets() {}

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return SCHEME + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String prefix(String secret) {
        return secret.substring(0, PREFIX_LENGTH);
    }

    public static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
