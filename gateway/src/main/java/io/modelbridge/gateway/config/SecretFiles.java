package io.modelbridge.gateway.config;

import io.modelbridge.db.SecretFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin token and the master key: taken from the environment when set, else read from (or generated into)
 * owner-only files in the data folder, so a first start needs no set-up and a restart finds the same secrets.
 */
public final class SecretFiles {
    public static final String ADMIN_TOKEN_FILE = "admin-token";
    public static final String MASTER_KEY_FILE = "master-key";
    private static final Logger LOG = LoggerFactory.getLogger(SecretFiles.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretFiles() {}

    public static String adminToken(GatewayConfig config) {
        return config.adminToken().orElseGet(() -> readOrCreate(config.dataDir().resolve(ADMIN_TOKEN_FILE),
                "admin token", () -> "mbadm-" + randomBase64Url(32)));
    }

    /** The 32-byte master key that seals channel credentials. */
    public static byte[] masterKey(GatewayConfig config) {
        String encoded = config.masterKey().orElseGet(() -> readOrCreate(config.dataDir().resolve(MASTER_KEY_FILE),
                "master key", () -> Base64.getEncoder().encodeToString(randomBytes(32))));
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("MB_MASTER_KEY must be base64 of 32 bytes (e.g. `openssl rand -base64 32`)");
        }
        if (key.length != 32) {
            throw new IllegalArgumentException("MB_MASTER_KEY must be base64 of 32 bytes, it decodes to " + key.length);
        }
        return key;
    }

    private static String randomBase64Url(int bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(bytes));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String readOrCreate(Path file, String what, Supplier<String> generate) {
        try {
            Optional<String> existing = SecretFile.read(file);
            if (existing.isPresent()) {
                return existing.get();
            }
            String generated = generate.get();
            String value = SecretFile.create(file, generated);
            if (value.equals(generated)) {
                LOG.info("Generated the {} and stored it in {} (readable by this user only)", what, file);
            }
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the " + what + " file " + file, e);
        }
    }
}
