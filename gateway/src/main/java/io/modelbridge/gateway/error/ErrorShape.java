package io.modelbridge.gateway.error;

import io.helidon.webserver.http.ServerResponse;

/**
 * How a client dialect shows an error: its body and status (OpenAI's {@code {"error":{...}}} for the OpenAI API;
 * another dialect, another shape). The failure itself comes from {@link ErrorMapper}, the same for every dialect.
 */
public interface ErrorShape {

    /** The error's body, as UTF-8; also what a stream's error event carries. */
    byte[] body(ApiError error);

    /** Answers with the error and its headers (Retry-After, ...), unless the response was already sent. */
    void write(ServerResponse res, GatewayException failure);
}
