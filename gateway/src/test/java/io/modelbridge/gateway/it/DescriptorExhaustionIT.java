package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.db.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged gateway, started under {@code ulimit -n 512}, keeps its public listener through a flood of idle
 * connections: more than the process could hold are opened, then released, and a normal request is answered within
 * 2 s. Idle keep-alive connections are closed after MB_IDLE_TIMEOUT_SECONDS.
 */
@Tag("it")
@Timeout(180)
@Tag("alone")
class DescriptorExhaustionIT {
    private static final int OPEN_FILE_LIMIT = 512;
    /** More than the open-file limit: without a cap, accept() runs the process out of descriptors. */
    private static final int FLOOD = 1_000;
    private static final Duration RECOVERY = Duration.ofSeconds(2);
    @TempDir
    Path dataDir;

    @Test
    void theDefaultCapKeepsAcceptingBelowTheOpenFileLimitAndServesAgainOnceTheFloodEnds() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(dataDir, Map.of())) {
            int before = gateway.openDescriptors();
            List<SocketChannel> flood = openIdle(gateway.port(), FLOOD);
            Thread.sleep(2000); // let the gateway accept all it will
            int held = gateway.openDescriptors() - before;
            System.out.printf("%d idle connections opened; the gateway holds %d more descriptors (open-file limit %d)%n",
                    FLOOD, held, OPEN_FILE_LIMIT);
            assertTrue(held < FLOOD / 4, "the excess waits in the accept queue, not in the process: " + held);
            closeAll(flood);
            long recoveredAfterMs = gateway.awaitHealthy(RECOVERY);
            System.out.printf("answered %d ms after the flood was released%n", recoveredAfterMs);
            String log = gateway.log();
            assertFalse(log.contains("Too many open files"), log);
            assertTrue(log.contains("at most 128 client connections"), "(512 - 256) / 2 by default: " + log);
        }
    }

    @Test
    void aListenerStoppedByDescriptorExhaustionListensAgainOnceDescriptorsFreeUp() throws Exception {
        // A cap the process cannot honour: accept() fails with "Too many open files" and Helidon stops the listener.
        try (GatewayProcess gateway = GatewayProcess.start(dataDir, Map.of("MB_MAX_CONNECTIONS", "500"))) {
            List<SocketChannel> flood = openIdle(gateway.port(), FLOOD);
            Thread.sleep(2000);
            closeAll(flood);
            long recoveredAfterMs = gateway.awaitHealthy(RECOVERY);
            System.out.printf("after exhaustion, answered %d ms after the flood was released%n", recoveredAfterMs);
            String log = gateway.log();
            assertTrue(log.contains("Too many open files"), "the exhaustion happened: " + log);
            assertTrue(log.contains("listening again"), log);
            gateway.awaitHealthy(RECOVERY); // and stays up
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(dataDir, Map.of("MB_IDLE_TIMEOUT_SECONDS", "2"));
             Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            String answer = new String(in.readNBytes(17), StandardCharsets.ISO_8859_1);
            assertEquals("HTTP/1.1 200 OK\r\n", answer);
            long start = System.nanoTime();
            while (in.read() >= 0) {
                // the rest of the answer, then the end of the stream when the gateway closes the idle connection
            }
            long idleMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf("idle keep-alive connection closed after %d ms (timeout 2 s)%n", idleMs);
            assertTrue(idleMs < 5_000, "closed within the timeout plus the check period: " + idleMs);
        }
    }

    /** Non-blocking connects: the kernel completes what its accept queue takes, the rest stay pending. */
    private static List<SocketChannel> openIdle(int port, int count) throws IOException {
        List<SocketChannel> channels = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.INET);
            channel.configureBlocking(false);
            channel.connect(new InetSocketAddress("127.0.0.1", port));
            channels.add(channel);
        }
        return channels;
    }

    private static void closeAll(List<SocketChannel> channels) throws IOException {
        for (SocketChannel channel : channels) {
            channel.close();
        }
    }

    /** The gateway jar in its own JVM under a low open-file limit, as ./modelbridge runs it. */
    private record GatewayProcess(Process process, int port, Path logFile) implements AutoCloseable {
        static GatewayProcess start(Path dataDir, Map<String, String> env) throws IOException, InterruptedException {
            int port = FreePorts.belowEphemeralRange();
            RunningGateway.copyBundledPlugins(dataDir.resolve("plugins"));
            Path log = Files.createDirectories(Path.of("target", "test-logs"))
                    .resolve("DescriptorExhaustionIT-" + dataDir.getFileName() + ".log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String jar = Path.of("target", "modelbridge-gateway.jar").toAbsolutePath().toString();
            // exec: the process we hold is the JVM itself, so its descriptors can be counted under /proc.
            ProcessBuilder builder = new ProcessBuilder("bash", "-c",
                    "ulimit -n " + OPEN_FILE_LIMIT + " && exec \"$0\" -jar \"$1\"", java, jar)
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            // MB_DRAIN_DELAY_SECONDS 0: close() stops it at once, without the 5 s a load balancer would need
            builder.environment().putAll(Map.of("MB_PORT", String.valueOf(port),
                    "MB_ADMIN_PORT", String.valueOf(FreePorts.belowEphemeralRange()), "MB_DATA_DIR", dataDir.toString(),
                    "MB_ADMIN_TOKEN", RunningGateway.ADMIN_TOKEN, "MB_DRAIN_DELAY_SECONDS", "0"));
            builder.environment().putAll(env);
            GatewayProcess gateway = new GatewayProcess(builder.start(), port, log);
            try {
                gateway.awaitHealthy(Duration.ofSeconds(90));
                return gateway;
            } catch (IOException | InterruptedException | RuntimeException | Error e) {
                gateway.close();
                throw e;
            }
        }

        int openDescriptors() throws IOException {
            try (var fds = Files.list(Path.of("/proc", String.valueOf(process.pid()), "fd"))) {
                return (int) fds.count();
            }
        }

        String log() throws IOException {
            return Files.readString(logFile);
        }

        /** Waits until /healthz answers 200; returns how long that took. */
        long awaitHealthy(Duration within) throws IOException, InterruptedException {
            long start = System.nanoTime();
            long end = start + within.toNanos();
            while (System.nanoTime() < end) {
                assertTrue(process.isAlive(), "gateway died: " + log());
                if (healthy()) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                }
                Thread.sleep(50);
            }
            throw new AssertionError("/healthz did not answer within " + within + "; log:\n" + log());
        }

        private boolean healthy() {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                socket.setSoTimeout(1000);
                socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                return new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1)
                        .equals("HTTP/1.1 200");
            } catch (IOException notListening) {
                return false;
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
