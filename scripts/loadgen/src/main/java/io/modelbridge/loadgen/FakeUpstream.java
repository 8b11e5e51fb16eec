package io.modelbridge.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A fast fake OpenAI upstream for the benchmark: {@code POST /v1/chat/completions} answers at once, or streams
 * {@code chunks} events {@code chunkInterval} apart; a model whose name ends in {@code -slow} streams one event
 * every {@code slowInterval} until {@code slowChunks} or the client leaves. One virtual thread per connection,
 * HTTP/1.1 keep-alive, bound to 127.0.0.1. It checks the bearer key exactly, as OpenAI does.
 *
 * <pre>BENCH_UPSTREAM_KEY=K FakeUpstream [--key K] [--port 0] [--port-file F] [--chunks 20]
 *              [--chunk-interval-ms 20] [--slow-interval-ms 5000] [--slow-chunks 1000]</pre>
 */
public final class FakeUpstream implements AutoCloseable {
    private final ServerSocket server;
    private final Settings settings;
    private final AtomicLong accepted = new AtomicLong();

    /** What the upstream answers; see the class comment. */
    public record Settings(String key, int chunks, Duration chunkInterval, Duration slowInterval, int slowChunks) {
        public Settings {
            if (key.isBlank() || chunks < 1 || slowChunks < 1) {
                throw new IllegalArgumentException("a key and at least one chunk are needed");
            }
        }
    }

    private FakeUpstream(ServerSocket server, Settings settings) {
        this.server = server;
        this.settings = settings;
    }

    /** Listens on 127.0.0.1:{@code port} (0: a free port) and serves until closed. */
    public static FakeUpstream start(int port, Settings settings) {
        try {
            ServerSocket server = new ServerSocket(port, 4096, InetAddress.getLoopbackAddress());
            FakeUpstream upstream = new FakeUpstream(server, settings);
            Thread.ofPlatform().name("fake-upstream-accept").daemon().start(upstream::acceptLoop);
            return upstream;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far: a keep-alive client opens one per request in flight, not one per request. */
    long connectionsAccepted() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
                socket.setTcpNoDelay(true);
                Thread.ofVirtual().start(() -> new UpstreamExchange(socket, settings).serve());
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                System.err.println("fake upstream: accept failed: " + e);
            }
        }
    }

    /** The command line of {@code FakeUpstream}; see the class comment. */
    @Command(name = "FakeUpstream", description = "A fast fake OpenAI upstream for scripts/benchmark.")
    static final class CommandLineOptions {
        @Option(names = "--key", description = "the bearer key it accepts (default: $BENCH_UPSTREAM_KEY)")
        String key = System.getenv().getOrDefault("BENCH_UPSTREAM_KEY", "");
        @Option(names = "--port", defaultValue = "0", description = "0: a free port")
        int port;
        @Option(names = "--port-file", description = "where to write the port once listening")
        Path portFile;
        @Option(names = "--chunks", defaultValue = "20")
        int chunks;
        @Option(names = "--chunk-interval-ms", defaultValue = "20")
        int chunkIntervalMillis;
        @Option(names = "--slow-interval-ms", defaultValue = "5000")
        int slowIntervalMillis;
        @Option(names = "--slow-chunks", defaultValue = "1000")
        int slowChunks;
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions a;
        try {
            a = CommandLine.populateCommand(new CommandLineOptions(), args);
        } catch (CommandLine.ParameterException e) {
            System.err.println(e.getMessage());
            e.getCommandLine().usage(System.err);
            System.exit(2);
            return;
        }
        Settings settings = new Settings(a.key, a.chunks, Duration.ofMillis(a.chunkIntervalMillis),
                Duration.ofMillis(a.slowIntervalMillis), a.slowChunks);
        FakeUpstream upstream = start(a.port, settings);
        if (a.portFile != null) {
            Path part = Path.of(a.portFile + ".part");
            Files.writeString(part, Integer.toString(upstream.port()), StandardCharsets.US_ASCII);
            Files.move(part, a.portFile);
        }
        System.out.println("fake upstream listening on 127.0.0.1:" + upstream.port());
        Thread.currentThread().join(); // serves until the process is stopped
    }
}
