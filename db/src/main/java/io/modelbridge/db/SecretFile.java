package io.modelbridge.db;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A generated secret kept in an owner-only file of the data folder (master key, admin token, database passwords).
 * A new one is written whole: to a temporary file, flushed to disk, then linked into place, so a crash or power cut
 * never leaves the file empty (a file created, then filled, can be: on ext4 for seconds after the write). An empty
 * one, which earlier versions could leave, counts as missing and is replaced.
 */
public final class SecretFile {
    private static final Logger LOG = LoggerFactory.getLogger(SecretFile.class);

    private SecretFile() {}

    /** The secret in {@code file}, if it holds one. */
    public static Optional<String> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String value = Files.readString(file, StandardCharsets.UTF_8).strip();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** Writes {@code secret} to {@code file} unless another start wrote one first; returns the one written. */
    public static String create(Path file, String secret) throws IOException {
        if (Files.exists(file) && read(file).isEmpty()) {
            LOG.warn("{} is empty (a crash while it was first written); writing a new one", file);
            Files.delete(file);
        }
        Files.createDirectories(file.getParent());
        Path temporary = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap((secret + "\n").getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            putInPlace(temporary, file);
            try (FileChannel folder = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                folder.force(true); // the new name too
            }
            return secret;
        } catch (FileAlreadyExistsException raced) {
            return read(file).orElseThrow(() -> new IOException(file + " is being written by another start"));
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** A hard link, unlike a rename, fails where another start wrote the file first; a rename where there are none. */
    private static void putInPlace(Path temporary, Path file) throws IOException {
        try {
            Files.createLink(file, temporary);
        } catch (FileAlreadyExistsException raced) {
            throw raced;
        } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
            Files.move(temporary, file);
        }
    }
}
