package io.modelbridge.gateway.usage;

import static io.modelbridge.gateway.usage.UsageJournal.SEGMENT_BYTES;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A usage journal file of {@link UsageJournal#SEGMENT_BYTES}, written (not sparse) and mapped; one
 * {@link JournalSegment} at a time uses it.
 */
record JournalFile(Path path, MappedByteBuffer map) {
    private static final byte[] ZEROS = new byte[64 << 10];

    static JournalFile create(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            try {
                ByteBuffer zeros = ByteBuffer.allocate(ZEROS.length);
                for (long at = 0; at < SEGMENT_BYTES; at += zeros.capacity()) {
                    zeros.clear();
                    while (zeros.hasRemaining()) {
                        channel.write(zeros, at + zeros.position());
                    }
                }
                return new JournalFile(file, channel.map(FileChannel.MapMode.READ_WRITE, 0, SEGMENT_BYTES));
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(file);
                throw e;
            }
        }
    }

    /** Zeros over every record, so a next segment's records read alone (stores into written pages: no SIGBUS). */
    void zero() {
        for (int at = 0; at < SEGMENT_BYTES; at += ZEROS.length) {
            map.put(at, ZEROS);
        }
    }
}
