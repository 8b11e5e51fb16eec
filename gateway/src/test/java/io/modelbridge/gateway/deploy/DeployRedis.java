package io.modelbridge.gateway.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The compose file's redis service: Debian's redis-server on 127.0.0.1 and an ephemeral port, nothing persisted.
 * A minimal start of its own; the project's shared Redis test helper can take its place (start, port, close).
 */
record DeployRedis(int port, LocalServer server) implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/redis-server");

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    static DeployRedis start(Path dir, Path logs) {
        int port = LocalServer.freePort();
        LocalServer server = LocalServer.start("redis-server", List.of(BINARY.toString(), "--bind", "127.0.0.1",
                "--port", String.valueOf(port), "--save", "", "--appendonly", "no", "--dir", dir.toString()),
                Map.of(), logs.resolve("redis.log"));
        try {
            server.awaitPort(port, Duration.ofSeconds(15));
            return new DeployRedis(port, server);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
