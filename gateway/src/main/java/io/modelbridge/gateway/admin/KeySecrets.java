package io.modelbridge.gateway.admin;

import io.modelbridge.gateway.auth.ApiKeys;
import java.security.SecureRandom;
import java.util.Base64;

/** API key secrets: {@code mb-} + 32 random bytes in base64url; only their SHA-256 and a prefix are stored. */
public final class KeySecrets {
    static final String SCHEME = ApiKeys.PREFIX;
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

    /** The hash stored for the secret: the same one the gateway looks keys up by. */
    public static byte[] sha256(String secret) {
        return ApiKeys.hash(secret);
    }
}
