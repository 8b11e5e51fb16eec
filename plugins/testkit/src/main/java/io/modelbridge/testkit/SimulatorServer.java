package io.modelbridge.testkit;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;

/** Where every vendor simulator's server starts from: loopback only, a free port, and the socket a vendor's edge has. */
public final class SimulatorServer {
    private SimulatorServer() {}

    /**
     * Bound to 127.0.0.1 on a free port, with Nagle off as at a vendor's edge (nginx): without it a small write (an
     * answer's last bytes, one SSE event) waits for the gateway's delayed ACK, ~40 ms a request.
     */
    public static WebServerConfig.Builder builder() {
        return WebServer.builder().host("127.0.0.1").port(0).connectionOptions(o -> o.tcpNoDelay(true));
    }
}
