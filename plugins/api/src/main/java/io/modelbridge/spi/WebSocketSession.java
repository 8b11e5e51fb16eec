package io.modelbridge.spi;

import java.util.Optional;

/** A blocking WebSocket client session. */
public interface WebSocketSession extends AutoCloseable {

    void sendText(String text);

    /**
     * The next text message, waiting at most the channel's read timeout (then a {@code TIMEOUT} ProviderException);
     * empty once the server has closed the socket.
     */
    Optional<String> receiveText();

    @Override
    void close();
}
