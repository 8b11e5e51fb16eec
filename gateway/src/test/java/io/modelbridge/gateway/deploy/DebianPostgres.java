package io.modelbridge.gateway.deploy;

import io.modelbridge.db.FreePorts;
import io.modelbridge.gateway.it.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian's PostgreSQL 15 server (/usr/lib/postgresql/15/bin) in a folder of its own, on 127.0.0.1 and an ephemeral
 * port, as the compose file's postgres service: superuser {@code postgres} with a password over TCP. PostgreSQL
 * refuses to run as root, so under root it runs as the {@code postgres} user the Debian package creates.
 */
final class DebianPostgres implements AutoCloseable {
    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private final Path root;
    final int port;
    private final LocalServer server;

    private DebianPostgres(Path root, int port, LocalServer server) {
        this.root = root;
        this.port = port;
        this.server = server;
    }

    static boolean installed() {
        return Files.isExecutable(BIN.resolve("initdb")) && Files.isExecutable(BIN.resolve("postgres"));
    }

    static DebianPostgres start(String superuserPassword, Path logs) throws IOException {
        Path root = Files.createTempDirectory("mb-deploy-pg");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        Path pwfile = Files.writeString(root.resolve("pwfile"), superuserPassword + "\n");
        ownedByPostgres(root, pwfile);
        Path data = root.resolve("data");
        LocalServer.run("initdb", asPostgres(BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"),
                Map.of(), logs.resolve("postgres-initdb.log"));
        int port = FreePorts.belowEphemeralRange();
        LocalServer server = LocalServer.start("postgres", asPostgres(BIN.resolve("postgres").toString(),
                "-D", data.toString(), "-p", String.valueOf(port), "-k", root.toString(),
                "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=60"), Map.of(),
                logs.resolve("postgres.log"));
        DebianPostgres postgres = new DebianPostgres(root, port, server);
        try {
            server.awaitPort(port, Duration.ofSeconds(30));
            return postgres;
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    /** Runs a shell script against this server as the postgres image runs /docker-entrypoint-initdb.d. */
    void runInitScript(Path script, Map<String, String> env, Path log) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putAll(Map.of("PGHOST", root.toString(), "PGPORT", String.valueOf(port), "POSTGRES_USER", "postgres",
                "POSTGRES_DB", "postgres", "PATH", BIN + ":" + System.getenv("PATH")));
        LocalServer.run("init script " + script.getFileName(), List.of("sh", script.toString()), all, log);
    }

    String logText() {
        return server.logText();
    }

    @Override
    public void close() {
        server.close();
        Folders.deleteTree(root);
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static List<String> asPostgres(String... command) {
        List<String> line = new ArrayList<>();
        if (root()) { // setpriv execs the server itself, so SIGTERM reaches it
            line.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
        }
        line.addAll(List.of(command));
        return line;
    }

    private static void ownedByPostgres(Path... paths) throws IOException {
        if (!root()) {
            return;
        }
        UserPrincipalLookupService users = paths[0].getFileSystem().getUserPrincipalLookupService();
        GroupPrincipal group = users.lookupPrincipalByGroupName("postgres");
        for (Path p : paths) {
            Files.setOwner(p, users.lookupPrincipalByName("postgres"));
            Files.getFileAttributeView(p, PosixFileAttributeView.class).setGroup(group);
        }
    }
}
