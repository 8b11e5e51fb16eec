package io.modelbridge.gateway.cluster;

import io.modelbridge.gateway.ids.RandomIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on {@code $MB_DATA_DIR/instance.lock}, held while the gateway runs; the operating system drops it
 * when the process dies, even by kill -9. The file holds a random token naming the folder, so a heartbeat this folder's
 * previous run left behind is known to be a dead run's.
 */
final class FolderLock implements AutoCloseable {
    static final String FILE = "instance.lock";
    private final FileChannel channel;
    private final FileLock lock;
    private final String token;

    private FolderLock(FileChannel channel, FileLock lock, String token) {
        this.channel = channel;
        this.lock = lock;
        this.token = token;
    }

    /** @throws ClusterConflict when another running gateway holds the folder */
    static FolderLock take(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            Files.createDirectories(dataDir);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldInThisProcess) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new ClusterConflict("MB_DATA_DIR " + dataDir + " is in use by another running gateway;"
                        + " give every instance its own data folder");
            }
            return new FolderLock(channel, lock, token(channel));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file, e);
        }
    }

    /** The folder's token: read from the file, or written into it the first time. */
    private static String token(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64);
        channel.read(buffer, 0);
        String stored = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
        if (stored.matches("[A-Za-z0-9_-]{8,64}")) {
            return stored;
        }
        String token = RandomIds.base64Url(12);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(true);
        return token;
    }

    String token() {
        return token;
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the process is stopping; the lock goes with it
        }
    }
}
