package io.modelbridge.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for servers that another process binds: the embedded PostgreSQL, and the gateways, Redis and nginx
 * of the tests. A port is found free, then the other process binds it a moment later; in between, any outgoing
 * connection on the machine may take it as its local port if it lies in the kernel's ephemeral range (where the
 * JDK's and zonky's "port 0" come from). The postmaster then fails to bind, and zonky waits out its whole start
 * timeout. A port below that range is never handed to an outgoing connection.
 */
public final class FreePorts {
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LOWEST = 15_000; // above the ports services commonly listen on
    private static final int TRIES = 64;

    private FreePorts() {}

    /** A free loopback port below the ephemeral range, or any free one where none is found there. */
    public static int belowEphemeralRange() {
        int end = ephemeralStart();
        for (int i = 0; i < TRIES && end > LOWEST; i++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, end);
            if (free(port)) {
                return port;
            }
        }
        try (ServerSocket any = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return any.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** The first port of the kernel's ephemeral range (Linux), else IANA's 49152. */
    static int ephemeralStart() {
        try {
            // Files.readString reads one byte of this file (size 0 in /proc); readAllLines reads all of it
            return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).strip().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 49_152;
        }
    }

    static boolean free(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
