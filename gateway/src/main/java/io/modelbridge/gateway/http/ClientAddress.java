package io.modelbridge.gateway.http;

import io.helidon.webserver.http.ServerRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The address a request came from, for key CIDR allow-lists: the socket peer. Forwarded headers are not trusted
 * (anyone could send them); behind a proxy, allow the proxy's address.
 */
final class ClientAddress {
    private ClientAddress() {}

    static InetAddress of(ServerRequest req) {
        SocketAddress peer = req.remotePeer().address();
        if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress();
        }
        return InetAddress.getLoopbackAddress();
    }
}
