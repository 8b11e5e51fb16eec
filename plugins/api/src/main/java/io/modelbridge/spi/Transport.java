package io.modelbridge.spi;

import java.net.URI;
import java.util.Map;

/**
 * The host's network access, the only one a plugin has. Connect and read timeouts come from the channel's
 * {@link ProviderSettings}; a connect failure or timeout is thrown as a {@link ProviderException} of kind
 * {@code UNAVAILABLE} or {@code TIMEOUT}, so adapters only classify what the vendor actually answered.
 */
public interface Transport {

    /** Sends an HTTP request and returns as soon as the status line and headers have arrived. */
    HttpReply send(HttpCall call);

    /** Opens a WebSocket (Spark) and returns once the handshake has succeeded. */
    WebSocketSession openWebSocket(URI uri, Map<String, String> headers);
}
