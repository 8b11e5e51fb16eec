package io.modelbridge.gateway.ids;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Random ids that are not secrets but must not collide or be guessed: request ids ({@code req_…}), completion ids
 * ({@code chatcmpl-…}), instance ids ({@code gw-…}) and the data folder lock's token. URL-safe base64 without padding,
 * so they fit headers, URLs, log lines and file contents as they are.
 *
 * <p>The bytes come from a DRBG (NIST SP 800-90A, seeded by the operating system) drawn in blocks of
 * {@value #BLOCK} bytes, each byte handed out once: a request takes two ids, and the default NativePRNG cost a
 * SHA1PRNG mix under a process-wide lock and a /dev/urandom read every few dozen ids (issue 16).
 */
public final class RandomIds {
    static final int BLOCK = 4096;
    private static final SecureRandom SOURCE = drbg();
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final byte[] block = new byte[BLOCK];
    private static int used = BLOCK;

    private RandomIds() {}

    /** {@code bytes} random bytes as URL-safe base64: 4 characters per 3 bytes, rounded up. */
    public static String base64Url(int bytes) {
        byte[] b = new byte[bytes];
        nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void nextBytes(byte[] out) {
        if (out.length > BLOCK / 8) {
            SOURCE.nextBytes(out);
            return;
        }
        LOCK.lock();
        try {
            if (used + out.length > BLOCK) {
                SOURCE.nextBytes(block);
                used = 0;
            }
            System.arraycopy(block, used, out, 0, out.length);
            used += out.length;
        } finally {
            LOCK.unlock();
        }
    }

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) { // every JDK since 9 has it; the platform default is as good
            return new SecureRandom();
        }
    }
}
