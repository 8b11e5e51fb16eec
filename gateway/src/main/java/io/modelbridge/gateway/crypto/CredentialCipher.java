package io.modelbridge.gateway.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals channel credentials with AES-256-GCM under the master key. A sealed value is
 * {@code version(1) || nonce(12) || ciphertext+tag}; the channel name is bound as associated data, so a
 * credential copied onto another channel row does not decrypt.
 */
public final class CredentialCipher {
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    /** @param masterKey 32 bytes */
    public CredentialCipher(byte[] masterKey) {
        if (masterKey.length != 32) {
            throw new IllegalArgumentException("the master key must be 32 bytes (256 bits), got " + masterKey.length);
        }
        this.key = new SecretKeySpec(masterKey, "AES");
    }

    public byte[] seal(String channel, String credential) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = cipher(Cipher.ENCRYPT_MODE, nonce, channel);
            byte[] sealed = c.doFinal(credential.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** @throws IllegalArgumentException when the value was sealed under another key or channel, or is corrupt */
    public String open(String channel, byte[] sealed) {
        if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
            throw new IllegalArgumentException("not a sealed credential");
        }
        byte[] nonce = java.util.Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES);
        try {
            Cipher c = cipher(Cipher.DECRYPT_MODE, nonce, channel);
            byte[] plain = c.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("credential of channel '" + channel
                    + "' does not decrypt under this master key", e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String channel) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        c.updateAAD(channel.getBytes(StandardCharsets.UTF_8));
        return c;
    }
}
