package io.modelbridge.gateway.portal;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import java.nio.charset.StandardCharsets;

/**
 * bcrypt (cost 12, a random salt in every hash). Passwords longer than bcrypt's 72 bytes are pre-hashed with
 * SHA-512 instead of being cut off.
 */
final class Passwords {
    static final int MIN_LENGTH = 10;
    static final int MAX_LENGTH = 200;
    private static final int COST = 12;
    private static final BCrypt.Hasher HASHER =
            BCrypt.with(BCrypt.Version.VERSION_2A, LongPasswordStrategies.hashSha512(BCrypt.Version.VERSION_2A));
    private static final BCrypt.Verifyer VERIFIER =
            BCrypt.verifyer(BCrypt.Version.VERSION_2A, LongPasswordStrategies.hashSha512(BCrypt.Version.VERSION_2A));
    /** Checked against when no account matches, so an unknown email takes as long as a wrong password. */
    private static final String DECOY = hash("decoy password of no account");

    private Passwords() {}

    static String hash(String password) {
        return HASHER.hashToString(COST, password.toCharArray());
    }

    static boolean matches(String password, String hash) {
        return VERIFIER.verify(password.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8))
                .verified;
    }

    static void spendDecoyTime(String password) {
        matches(password, DECOY);
    }

    /** Why the password is refused (in t's words), or null when it is acceptable. */
    static String problem(String password, Language t) {
        if (password.length() < MIN_LENGTH) {
            return t.text("passwordTooShort", MIN_LENGTH);
        }
        if (password.length() > MAX_LENGTH) {
            return t.text("passwordTooLong", MAX_LENGTH);
        }
        return null;
    }
}
