package io.modelbridge.gateway.spill;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rows the database could not take, kept on local disk until it can: one JSON object per line, appended and
 * fsynced before {@link #append} returns, so they survive a gateway stop or crash. Used by one writer thread.
 * A line cut off by a crash during an append is skipped when read (its rows were never acknowledged as kept).
 */
public final class SpillFile<T> {
    private static final Logger LOG = LoggerFactory.getLogger(SpillFile.class);
    private final Path file;
    private final ObjectMapper json;
    private final Class<T> type;
    private final int maxRows;
    private int rows;

    public SpillFile(Path file, ObjectMapper json, Class<T> type, int maxRows) {
        this.file = file;
        this.json = json;
        this.type = type;
        this.maxRows = maxRows;
        endTornLine();
        this.rows = Files.exists(file) ? read().size() : 0;
        if (rows > 0) {
            LOG.warn("{} rows wait in the spill file {} from an earlier run; they are written once the database "
                    + "answers", rows, file);
        }
    }

    /** A crash during an append can leave a last line without its end: end it, so the next append starts clean. */
    private void endTornLine() {
        try {
            if (Files.exists(file) && Files.size(file) > 0) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    ByteBuffer last = ByteBuffer.allocate(1);
                    channel.read(last, channel.size() - 1);
                    if (last.get(0) != '\n') {
                        channel.write(ByteBuffer.wrap(new byte[] {'\n'}), channel.size());
                        channel.force(true);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spill file " + file, e);
        }
    }

    /** A mapper for spilled and journaled rows: records, BigDecimal as is, Instant as ISO-8601 text. */
    public static ObjectMapper mapper() {
        SimpleModule time = new SimpleModule("spill-time")
                .addSerializer(Instant.class, new ToStringSerializer(Instant.class))
                .addDeserializer(Instant.class, new FromStringDeserializer<>(Instant.class) {
                    @Override
                    protected Instant _deserialize(String value, DeserializationContext context) {
                        return Instant.parse(value);
                    }
                });
        // the usage journal encodes a row on every request's virtual thread: Jackson's default buffer pool is per thread
        return JsonMapper.builder(JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                .build()).addModule(time).build();
    }

    public synchronized int size() {
        return rows;
    }

    public Path path() {
        return file;
    }

    /** Room for {@code n} more rows under the bound. */
    public synchronized boolean hasRoom(int n) {
        return rows + n <= maxRows;
    }

    /**
     * Appends the rows and forces them to disk, all or none: a failed append (a full disk) is cut back off, so no
     * half-written line is left to swallow the next append's first row.
     */
    public synchronized void append(List<T> items) {
        if (items.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (T item : items) {
            try {
                lines.append(json.writeValueAsString(item)).append('\n');
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot encode a spilled row", e);
            }
        }
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                Files.createFile(file,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                long before = channel.size();
                try {
                    ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                    channel.force(true);
                } catch (IOException e) {
                    cutBack(channel, before, e);
                    throw e;
                }
            }
            rows += items.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the spill file " + file, e);
        }
    }

    private static void cutBack(FileChannel channel, long size, IOException failure) {
        try {
            channel.truncate(size);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** Every row kept, oldest first. */
    public synchronized List<T> read() {
        List<T> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(json.readValue(line, type));
                } catch (JsonProcessingException e) {
                    LOG.warn("Skipping a damaged line of the spill file {} (cut off by a crash?)", file);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spill file " + file, e);
        }
    }

    /** Forgets every row: call once they are all in the database. */
    public synchronized void clear() {
        try {
            Files.deleteIfExists(file);
            rows = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the spill file " + file, e);
        }
    }
}
