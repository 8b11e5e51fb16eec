package io.modelbridge.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL: a data directory kept across restarts, listening on 127.0.0.1 on a free port, reachable
 * only with a password (SCRAM). The superuser's password serves only to bootstrap the gateway's own role, which owns
 * the schema and is not a superuser. Durable: fsync, full_page_writes and synchronous_commit on (zonky turns the
 * first and last off). When the server dies, {@link #restartIfDead()} starts it again on the same port.
 */
final class EmbeddedServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);
    /** The role the gateway connects as. */
    static final String GATEWAY_ROLE = "modelbridge";
    /** The file zonky locks while its server runs on a data directory. */
    private static final String ZONKY_LOCK = "epg-lock";
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(20);
    private static final Duration FIRST_START_WAIT = Duration.ofSeconds(60);
    /** Below this much room a failed start names the disk as the likely cause. */
    private static final long LOW_DISK_BYTES = 128L << 20;
    private static final Duration RESTART_WAIT = Duration.ofSeconds(30);
    static final String HBA = """
            # Written by ModelBridge at every start: a password (SCRAM) for every connection, never trust.
            local all all scram-sha-256
            host  all all 127.0.0.1/32 scram-sha-256
            host  all all ::1/128 scram-sha-256
            """;

    private final Path directory;
    private final DbSecrets secrets;
    private volatile EmbeddedPostgres postgres;
    private volatile Postmaster postmaster;
    private volatile boolean closed;
    /** Stops the server when the JVM exits without a close; registered once, for every restart of the server. */
    private final Thread stopAtExit = Thread.ofPlatform().name("embedded-pg-stop").unstarted(this::close);
    private int restarts;
    private boolean stopped; // the dead server was released and awaits its restart
    private long nextPortWarning = System.nanoTime();

    /** The server process and the processes it had forked when last seen (to stop orphans after it dies). */
    private record Postmaster(ProcessHandle process, List<ProcessHandle> children) {}

    private EmbeddedServer(Path directory, DbSecrets secrets) {
        this.directory = directory;
        this.secrets = secrets;
    }

    static EmbeddedServer start(Path dataDir) {
        return start(dataDir, FIRST_START_WAIT);
    }

    static EmbeddedServer start(Path dataDir, Duration wait) {
        Path directory = dataDir.resolve("pg").toAbsolutePath();
        try {
            Files.createDirectories(directory);
            EmbeddedServer server = new EmbeddedServer(directory, DbSecrets.in(dataDir));
            clearStaleServer(directory);
            UnfinishedCluster.moveAside(directory);
            boolean legacy = LegacyTrustUpgrade.needed(directory);
            server.launch(FreePorts.belowEphemeralRange(), wait, legacy);
            server.stopAtExit();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + directory, e);
        }
    }

    private void launch(int port, Duration wait, boolean legacy) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(directory)
                .setCleanDataDirectory(false)
                .setPGStartupWait(wait)
                .setRegisterShutdownHook(false) // stopAtExit: zonky's hook would race the watchdog's restart
                // a fresh directory: initdb with the superuser's password and SCRAM (these follow zonky's "-A trust")
                .setLocaleConfig("auth", "scram-sha-256")
                .setLocaleConfig("pwfile", secrets.superuserFile().toString())
                .setConnectConfig("password", secrets.superuser())
                .setConnectConfig("connectTimeout", "5")
                .setConnectConfig("loginTimeout", "5")
                .setConnectConfig("socketTimeout", "10")
                .setDataDirectoryCustomizer(dir -> prepare(dir.toPath(), legacy))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("password_encryption", "scram-sha-256")
                // durability: these follow zonky's "-F" (fsync off) and its synchronous_commit=off, and win
                .setServerConfig("fsync", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("synchronous_commit", "on");
        if (port != 0) {
            builder.setPort(port);
        }
        EmbeddedPostgres started;
        try {
            started = builder.start();
        } catch (IOException | RuntimeException e) {
            // zonky gave up waiting for a server that may be running: it must not outlive this failed start
            currentPostmaster().ifPresent(p -> stop(p, "a start that failed"));
            String lowDisk = lowDiskNote(directory);
            if (lowDisk.isEmpty()) {
                throw e;
            }
            throw new IllegalStateException(e.getMessage() + lowDisk, e);
        }
        try {
            bootstrapGatewayRole(started);
        } catch (SQLException | RuntimeException e) {
            started.close();
            throw new IllegalStateException("could not set up the gateway's database role in " + directory + ": "
                    + e.getMessage(), e);
        }
        postgres = started;
        postmaster = new Postmaster(currentPostmaster()
                .orElseThrow(() -> new IllegalStateException("no postmaster in " + directory)), List.of());
    }

    /**
     * initdb's and the server's own words ("No space left on device") go to zonky's logger, which the gateway keeps at
     * WARNING, and zonky's exception only says the process failed: a disk without room is the likely cause, so say it.
     */
    private static String lowDiskNote(Path directory) {
        try {
            long free = Files.getFileStore(directory).getUsableSpace();
            return free >= LOW_DISK_BYTES ? "" : String.format(": only %d MiB free on the disk holding %s (a new "
                    + "database takes about 40 MiB, and it grows with the usage log)", free >> 20, directory);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * A JVM that exits without closing the server (System.exit, a test's end) stops it in a shutdown hook of ours,
     * under the lock {@link #restartIfDead()} takes. zonky's own hook stopped it behind the watchdog's back, which
     * found it dead and started another; zonky then failed to add that one's hook (none can be added during shutdown)
     * and forgot it, and it outlived the JVM.
     */
    private void stopAtExit() {
        try {
            Runtime.getRuntime().addShutdownHook(stopAtExit);
        } catch (IllegalStateException e) { // started while the JVM exits
            close();
            throw e;
        }
    }

    /** Before every start: pg_hba.conf allows password logins only (and an earlier trust directory is upgraded). */
    private void prepare(Path dir, boolean legacy) {
        try {
            if (legacy) {
                LegacyTrustUpgrade.setSuperuserPassword(dir, secrets.superuser());
            }
            Files.writeString(dir.resolve("pg_hba.conf"), HBA);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("pg_hba.conf"), e);
        }
    }

    /**
     * The gateway's role: a login with its own password, no superuser, owner of the database, its public schema and
     * everything in it (earlier versions created the tables as the superuser).
     */
    private void bootstrapGatewayRole(EmbeddedPostgres started) throws SQLException {
        try (Connection c = started.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + GATEWAY_ROLE + "') THEN "
                    + "CREATE ROLE " + GATEWAY_ROLE + "; END IF; END $$");
            s.execute("ALTER ROLE " + GATEWAY_ROLE + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                    + "NOBYPASSRLS PASSWORD '" + secrets.gateway() + "'");
            s.execute("ALTER DATABASE postgres OWNER TO " + GATEWAY_ROLE);
            s.execute("ALTER SCHEMA public OWNER TO " + GATEWAY_ROLE);
            s.execute("""
                    DO $$ DECLARE r record; BEGIN
                      FOR r IN SELECT c.oid::regclass AS name FROM pg_class c
                          JOIN pg_namespace n ON n.oid = c.relnamespace
                          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                            AND pg_get_userbyid(c.relowner) <> '%1$s'
                            AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
                      LOOP EXECUTE format('ALTER TABLE %%s OWNER TO %1$s', r.name); END LOOP;
                      FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p
                          JOIN pg_namespace n ON n.oid = p.pronamespace
                          WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '%1$s'
                      LOOP EXECUTE format('ALTER ROUTINE %%s OWNER TO %1$s', r.name); END LOOP;
                    END $$""".formatted(GATEWAY_ROLE));
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    String user() {
        return GATEWAY_ROLE;
    }

    String password() {
        return secrets.gateway();
    }

    Path directory() {
        return directory;
    }

    /**
     * Starts the server again, on the same port and directory, when its postmaster has died (killed, crashed, OOM);
     * a no-op while it runs. Remembers the postmaster's children on each call, to stop those the dead one left.
     *
     * @return whether a restart happened
     */
    synchronized boolean restartIfDead() {
        Postmaster last = postmaster;
        if (closed || last == null) {
            return false;
        }
        if (last.process().isAlive()) {
            postmaster = new Postmaster(last.process(), last.process().children().toList());
            return false;
        }
        if (!stopped) { // first seen dead: release it once
            stopped = true;
            LOG.error("The embedded PostgreSQL (pid {}) in {} died; restarting it", last.process().pid(), directory);
            try {
                postgres.close(); // releases zonky's lock; its "pg_ctl stop" fails on the dead server
            } catch (IOException e) {
                LOG.warn("Could not release the dead PostgreSQL in {}: {}", directory, e.toString());
            }
            for (ProcessHandle orphan : last.children()) {
                orphan.destroyForcibly(); // a backend of the dead server holds its shared memory: no new one starts
            }
            for (ProcessHandle orphan : last.children()) {
                orphan.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> orphan).join();
            }
        }
        // A restart keeps the port (the pool's URL names it). Started while someone else listens there, zonky would
        // take that listener for the server, and a half-started instance would keep the directory locked.
        if (!FreePorts.free(postgres.getPort())) {
            if (System.nanoTime() - nextPortWarning >= 0) {
                nextPortWarning = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                LOG.error("Cannot restart the embedded PostgreSQL in {} yet: another process holds its port {} "
                        + "(retrying every {} ms)", directory, postgres.getPort(), 500);
            }
            return false;
        }
        restarts++;
        try {
            clearStaleServer(directory);
            launch(postgres.getPort(), RESTART_WAIT, false);
            stopped = false;
            LOG.info("The embedded PostgreSQL in {} is running again (pid {}, restart {})", directory,
                    postmaster.process().pid(), restarts);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.error("Could not restart the embedded PostgreSQL in {} (will retry): {}", directory, e.toString());
            forgetZonkyLock();
            return false;
        }
    }

    /**
     * A zonky start that failed keeps its lock on {@code epg-lock} in a stream nobody can close, and the next start in
     * this JVM would find the file locked. A new file (another inode) is free; the old lock dies with the process.
     */
    private void forgetZonkyLock() {
        try {
            Files.deleteIfExists(directory.resolve(ZONKY_LOCK));
        } catch (IOException e) {
            LOG.warn("Could not remove {}: {}", directory.resolve(ZONKY_LOCK), e.toString());
        }
    }

    /** The postmaster now running on the directory, if any. */
    Optional<ProcessHandle> currentPostmaster() {
        try {
            Path pidFile = directory.resolve("postmaster.pid");
            return Files.exists(pidFile) ? postmasterOf(pidFile) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != stopAtExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopAtExit);
            } catch (IllegalStateException e) {
                // the JVM is exiting: the hook may run, and finds the server closed
            }
        }
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("Could not stop the embedded PostgreSQL in {}: {}", directory, e.toString());
        }
        Postmaster last = postmaster;
        if (last != null && !exits(last.process(), Duration.ofSeconds(5))) {
            stopWithoutPgCtl(last.process());
        }
    }

    /**
     * pg_ctl could not stop the server (its folder was deleted or moved, say): signal the postmaster itself, or it
     * outlives the gateway. SIGTERM is PostgreSQL's smart shutdown, quick once the pool is closed; SIGKILL after 10 s.
     */
    private void stopWithoutPgCtl(ProcessHandle process) {
        LOG.warn("pg_ctl did not stop the embedded PostgreSQL (pid {}) in {}; signalling it", process.pid(), directory);
        process.destroy();
        if (!exits(process, Duration.ofSeconds(10))) {
            process.destroyForcibly();
        }
    }

    /** Whether the process ends within {@code wait}: after a pg_ctl stop that worked, it is still exiting for a moment. */
    private static boolean exits(ProcessHandle process, Duration wait) {
        try {
            process.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
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
        stop(postmaster, "a gateway that did not shut down on " + directory);
    }

    private static void stop(ProcessHandle postmaster, String leftBy) {
        LOG.warn("Stopping a PostgreSQL (pid {}) left running by {}", postmaster.pid(), leftBy);
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
