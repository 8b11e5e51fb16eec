package io.modelbridge.gateway.it;

import io.modelbridge.db.FreePorts;
import io.modelbridge.gateway.config.RedisUrl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (Debian's package; scripts/ensure-packages.sh installs it) on 127.0.0.1 and an ephemeral port,
 * nothing written to disk ({@code --save '' --appendonly no}), in its own temporary folder. {@link #stop()} and
 * {@link #restart()} (same port) simulate an outage; {@link #close()} stops it for good and deletes the folder.
 */
public final class RedisServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Optional<String> password;
    private Process process;
    private volatile String lastBulk = "";

    private RedisServer(Path dir, int port, Optional<String> password) {
        this.dir = dir;
        this.port = port;
        this.password = password;
    }

    public static RedisServer start() {
        return start(Optional.empty());
    }

    /** A server that needs {@code password} (requirepass). */
    public static RedisServer startWithPassword(String password) {
        return start(Optional.of(password));
    }

    private static RedisServer start(Optional<String> password) {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) { // the free port may be taken between probe and bind
            try {
                RedisServer server = new RedisServer(Files.createTempDirectory("mb-redis"),
                        FreePorts.belowEphemeralRange(), password);
                if (server.launch()) {
                    return server;
                }
                server.close();
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IllegalStateException("redis-server did not start (is Debian's redis-server installed?"
                + " scripts/ensure-packages.sh)", last);
    }

    /** {@code redis://[:password@]127.0.0.1:port/0}. */
    public String url() {
        return "redis://" + password.map(p -> ":" + p + "@").orElse("") + "127.0.0.1:" + port + "/0";
    }

    public RedisUrl redisUrl() {
        return RedisUrl.parse(url());
    }

    public int port() {
        return port;
    }

    /** Kills the server (an outage); {@link #restart()} brings it back on the same port, empty. */
    public void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    public void restart() {
        stop();
        try {
            if (!launch()) {
                throw new IllegalStateException("redis-server did not come back on port " + port);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends one command and returns the first line of the reply, e.g. {@code "+OK"}, {@code ":3"} or {@code "$12"}. */
    public String command(String... args) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            if (password.isPresent()) {
                out.write(resp("AUTH", password.get()));
                readLine(socket.getInputStream());
            }
            out.write(resp(args));
            String reply = readLine(socket.getInputStream());
            if (reply.startsWith("$") && !reply.equals("$-1")) {
                lastBulk = new String(socket.getInputStream().readNBytes(Integer.parseInt(reply.substring(1))),
                        StandardCharsets.UTF_8);
            }
            return reply;
        } catch (IOException e) {
            throw new IllegalStateException("redis command " + args[0] + " failed", e);
        }
    }

    /** A counter from INFO, e.g. {@code total_commands_processed}. */
    public long stat(String name) {
        String info = command("INFO", "stats");
        if (!info.startsWith("$")) {
            throw new IllegalStateException("INFO answered " + info);
        }
        for (String line : lastBulk.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new IllegalStateException("INFO has no " + name);
    }

    private boolean launch() throws IOException {
        List<String> command = new ArrayList<>(List.of("redis-server", "--bind", "127.0.0.1", "--port",
                String.valueOf(port), "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--daemonize", "no", "--protected-mode", "yes", "--loglevel", "warning"));
        password.ifPresent(p -> command.addAll(List.of("--requirepass", p)));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                socket.setSoTimeout(1000);
                socket.getOutputStream().write(resp("PING"));
                String reply = readLine(socket.getInputStream());
                if (reply.equals("+PONG") || reply.startsWith("-NOAUTH")) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stop();
        return false;
    }

    private static byte[] resp(String... args) {
        StringBuilder s = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            s.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        stop();
        try {
            Folders.deleteTree(dir);
        } catch (UncheckedIOException e) {
            // a temporary folder; nothing to do
        }
    }
}
