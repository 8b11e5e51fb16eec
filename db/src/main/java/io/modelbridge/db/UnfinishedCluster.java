package io.modelbridge.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data directory whose initdb never finished: the first start was killed (or the machine went down) while it ran.
 * initdb refuses a directory that is not empty, and a half-made cluster starts without the postgres database the
 * gateway keeps its tables in, so every later start failed, one after a minute's wait. Such a directory holds none of
 * the gateway's data; it is moved aside (never deleted) and the start makes a new one.
 */
final class UnfinishedCluster {
    private static final Logger LOG = LoggerFactory.getLogger(UnfinishedCluster.class);
    /** The postgres database: initdb creates it last, with OID 5 (fixed since PostgreSQL 15). */
    private static final Path POSTGRES_DATABASE = Path.of("base", "5");

    private UnfinishedCluster() {}

    /** Moves an unfinished cluster out of {@code directory} and leaves it empty; a no-op for an empty or whole one. */
    static void moveAside(Path directory) throws IOException {
        if (Files.isDirectory(directory.resolve(POSTGRES_DATABASE)) || isEmpty(directory)) {
            return;
        }
        if (initdbRunsOn(directory)) { // another gateway's first start, on the same folder, is making it right now
            throw new IllegalStateException("the database directory " + directory
                    + " is in use by another running gateway; stop it first or use another data directory");
        }
        Path aside = directory.resolveSibling(directory.getFileName() + ".unfinished-" + Instant.now().toEpochMilli());
        Files.move(directory, aside);
        Files.createDirectories(directory);
        LOG.warn("The embedded PostgreSQL in {} was never completely created (a first start was interrupted); moved "
                + "it to {} and creating it again", directory, aside);
    }

    private static boolean initdbRunsOn(Path directory) {
        String folder = directory.toString();
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().command().orElse("").endsWith("initdb")
                && p.info().arguments().map(List::of).orElse(List.of()).contains(folder));
    }

    private static boolean isEmpty(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        }
    }
}
