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
    /** URL-safe base64's 64 characters in ASCII order. */
    private static final String SORTED = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
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

    /**
     * An id that sorts by time: {@code millis} (48 bits, good until the year 10889) in 8 characters of an alphabet in
     * ASCII order, so ids compare as their times do byte by byte, then {@code bytes} random bytes as URL-safe base64.
     */
    public static String timeOrdered(long millis, int bytes) {
        char[] time = new char[8];
        for (int i = 7; i >= 0; i--) {
            time[i] = SORTED.charAt((int) (millis & 63));
            millis >>>= 6;
        }
        return new String(time) + base64Url(bytes);
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
