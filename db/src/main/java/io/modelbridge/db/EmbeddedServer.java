package io.modelbridge.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded PostgreSQL: a data directory kept across restarts, listening on 127.0.0.1 on a free port. */
final class EmbeddedServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);
    /** The file zonky locks while its server runs on a data directory. */
    private static final String ZONKY_LOCK = "epg-lock";
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(20);

    private final EmbeddedPostgres postgres;
    private final Path directory;

    private EmbeddedServer(EmbeddedPostgres postgres, Path directory) {
        this.postgres = postgres;
        this.directory = directory;
    }

    static EmbeddedServer start(Path dataDir) {
        Path directory = dataDir.resolve("pg").toAbsolutePath();
        try {
            Files.createDirectories(directory);
            clearStaleServer(directory);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            return new EmbeddedServer(postgres, directory);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + directory, e);
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    String user() {
        return "postgres";
    }

    Path directory() {
        return directory;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("Could not stop the embedded PostgreSQL in {}: {}", directory, e.toString());
        }
    }

    /**
     * A gateway killed without its shutdown hook leaves postmaster.pid behind, and often its postgres still
     * running. If no live process holds zonky's lock on the directory, nobody owns that server: stop it, or drop
     * the pid file when its process is gone (PostgreSQL refuses to start when the pid was reused).
     */
    @SuppressWarnings("try") // the lock is held, not used
    static void clearStaleServer(Path directory) throws IOException {
        Path pidFile = directory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(directory.resolve(ZONKY_LOCK),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = tryLock(channel, directory)) {
            Optional<ProcessHandle> postmaster = postmasterOf(pidFile);
            if (postmaster.isPresent()) {
                stopOrphan(postmaster.get(), directory);
            } else {
                LOG.warn("Removing stale {} (its process is gone)", pidFile);
            }
            Files.deleteIfExists(pidFile);
        }
    }

    private static FileLock tryLock(FileChannel channel, Path directory) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new IllegalStateException("the database directory " + directory
                    + " is in use by another running gateway; stop it first or use another data directory");
        }
        return lock;
    }

    private static Optional<ProcessHandle> postmasterOf(Path pidFile) throws IOException {
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty() || !lines.get(0).strip().matches("\\d+")) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(lines.get(0).strip()))
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
    }

    private static void stopOrphan(ProcessHandle postmaster, Path directory) {
        LOG.warn("Stopping an orphaned PostgreSQL (pid {}) left running on {} by a gateway that did not shut down",
                postmaster.pid(), directory);
        postmaster.destroy(); // SIGTERM: a smart shutdown; its clients died with the old gateway
        try {
            postmaster.onExit().get(ORPHAN_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("PostgreSQL pid {} did not stop in {}; killing it", postmaster.pid(), ORPHAN_STOP_WAIT);
            postmaster.destroyForcibly();
            postmaster.onExit().join();
        }
    }
}
