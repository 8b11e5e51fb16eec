package io.modelbridge.gateway.ids;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random ids that are not secrets but must not collide or be guessed: request ids ({@code req_…}), completion ids
 * ({@code chatcmpl-…}), instance ids ({@code gw-…}) and the data folder lock's token. URL-safe base64 without padding,
 * so they fit headers, URLs, log lines and file contents as they are.
 */
public final class RandomIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomIds() {}

    /** {@code bytes} random bytes as URL-safe base64: 4 characters per 3 bytes, rounded up. */
    public static String base64Url(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
