package io.modelbridge.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The embedded PostgreSQL's two passwords, generated at first start into owner-only files of
 * {@code dataDir/db-secrets}: the superuser's (bootstrap only) and the gateway role's (everything else).
 *
 * @param superuserFile the file initdb reads the superuser's password from
 */
record DbSecrets(String superuser, String gateway, Path superuserFile) {
    static final String DIRECTORY = "db-secrets";
    private static final SecureRandom RANDOM = new SecureRandom();

    static DbSecrets in(Path dataDir) {
        Path directory = dataDir.resolve(DIRECTORY);
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Path superuserFile = directory.resolve("superuser");
            String gateway = readOrCreate(directory.resolve("gateway"));
            return new DbSecrets(readOrCreate(superuserFile), gateway, superuserFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the database passwords in " + directory, e);
        }
    }

    private static String readOrCreate(Path file) throws IOException {
        Optional<String> existing = SecretFile.read(file);
        if (existing.isPresent()) {
            return existing.get();
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        // URL-safe base64 has no quote: safe in SQL text
        return SecretFile.create(file, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    @Override
    public String toString() { // never the passwords
        return "DbSecrets[" + superuserFile.getParent() + "]";
    }
}
