package io.modelbridge.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

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
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes); // no quote: safe in SQL text
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException raced) {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
        return value;
    }

    @Override
    public String toString() { // never the passwords
        return "DbSecrets[" + superuserFile.getParent() + "]";
    }
}
