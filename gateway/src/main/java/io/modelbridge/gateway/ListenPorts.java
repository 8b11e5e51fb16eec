package io.modelbridge.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/**
 * Checks, before anything else starts, that a listener's port can be bound: a taken port then ends the start in a
 * second with one clear line, instead of after the database and plugins, with Helidon's stack trace.
 */
final class ListenPorts {
    private ListenPorts() {}

    static void requireFree(String listener, String host, int port) {
        if (port == 0) {
            return; // any free port
        }
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true); // as Helidon binds: TIME_WAIT is no obstacle
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("The " + listener + " listener could not bind " + host + ":" + port + ": "
                    + e.getMessage());
        }
    }
}
