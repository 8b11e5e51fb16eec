package io.modelbridge.gateway.admin;

import io.modelbridge.db.FreePorts;
import io.modelbridge.gateway.it.Folders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's PostgreSQL (package {@code postgresql}, which has its messages translated; the embedded binaries do not)
 * started in a temp directory with {@code lc_messages = de_DE.UTF-8}, on 127.0.0.1 and a free port, with trust
 * authentication for its {@code postgres} superuser. The German locale is built into the directory with localedef
 * and found through LOCPATH, so the machine needs no generated locales. As root, the server runs as the postgres
 * user (initdb refuses root).
 */
final class GermanPostgres implements AutoCloseable {
    static final String LOCALE = "de_DE.UTF-8";
    private final Path dir;
    private final Path bin;
    final int port;

    private GermanPostgres(Path dir, Path bin, int port) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
    }

    static GermanPostgres start() {
        Path bin = binaries();
        try {
            Path dir = Files.createTempDirectory("mb-german-pg");
            Files.createDirectory(dir.resolve("locales"));
            run(List.of("localedef", "-i", "de_DE", "-f", "UTF-8", dir.resolve("locales").resolve(LOCALE).toString()));
            if (root()) {
                run(List.of("chown", "-R", "postgres", dir.toString()));
            }
            run(asServerUser(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A",
                    "trust", "-U", "postgres", "--locale=C.UTF-8", "--no-sync")));
            int port = FreePorts.belowEphemeralRange();
            GermanPostgres pg = new GermanPostgres(dir, bin, port);
            run(pg.ctl("start", "-w", "-t", "30", "-l", dir.resolve("log").toString(), "-o", "-p " + port + " -k "
                    + dir + " -c listen_addresses=127.0.0.1 -c lc_messages=" + LOCALE + " -c fsync=off"));
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    @Override
    public void close() {
        run(ctl("stop", "-m", "fast", "-w"));
        Folders.deleteTree(dir);
    }

    private List<String> ctl(String... args) {
        List<String> command = new ArrayList<>(List.of("env", "LOCPATH=" + dir.resolve("locales"),
                bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString()));
        command.addAll(List.of(args));
        return asServerUser(command);
    }

    private static List<String> asServerUser(List<String> command) {
        if (!root()) {
            return command;
        }
        List<String> as = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        as.addAll(command);
        return as;
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The newest /usr/lib/postgresql/N/bin. */
    private static Path binaries() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString())))
                    .orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("Debian's PostgreSQL is not installed (apt-get install postgresql): this test"
                    + " needs a server with translated messages", e);
        }
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(command.get(0) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
