package io.modelbridge.gateway.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.http.RequestException;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.limits.BodyMemory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a JSON request body within the size limit. */
final class RequestBodies {
    private static final Logger LOG = LoggerFactory.getLogger(RequestBodies.class);
    private RequestBodies() {}

    static JsonNode readJson(ServerRequest req, ObjectMapper json, long limit, BodyMemory.Hold memory) {
        return parse(read(req, limit, memory), json);
    }

    /**
     * The body's bytes within the size limit, taken from the gateway's body memory as they are read; an empty body is
     * refused as not JSON.
     */
    static byte[] read(ServerRequest req, long limit, BodyMemory.Hold memory) {
        long declared = req.headers().contentLength().orElse(-1);
        if (declared > limit) {
            throw new GatewayException(ApiError.tooLarge(limit));
        }
        byte[] body = readAtMost(req, declared >= 0 ? declared : limit, limit, memory);
        if (body.length == 0) {
            throw new GatewayException(ApiError.invalidRequest("The request body is empty; send a JSON object.", null));
        }
        return body;
    }

    /** The body as a JSON tree; invalid JSON is refused as OpenAI refuses it. */
    static JsonNode parse(byte[] body, ObjectMapper json) {
        try {
            return json.readTree(body);
        } catch (JacksonException e) {
            throw new GatewayException(ApiError.invalidRequest("We could not parse the JSON body of your request. "
                    + "(HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects "
                    + "a JSON payload, but what was sent was not valid JSON.)", null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads up to {@code expected} bytes (the Content-Length when sent, so a small body gets an array of its size,
     * not readNBytes' 16 KiB chunks) and refuses a body over {@code limit}; the room for it is taken from the body
     * memory as it is read.
     */
    private static byte[] readAtMost(ServerRequest req, long expected, long limit, BodyMemory.Hold memory) {
        if (req.headers().contains(HeaderNames.CONTENT_ENCODING)
                && !req.headers().get(HeaderNames.CONTENT_ENCODING).get().equalsIgnoreCase("identity")) {
            throw new GatewayException(new ApiError(415, "invalid_request_error", "unsupported_encoding", null,
                    "Compressed request bodies are not accepted; send the JSON uncompressed."));
        }
        // Not closed when refused: closing would read the rest of the body, however long. ConnectionReuse closes the
        // connection instead.
        InputStream in = req.content().inputStream();
        try {
            byte[] bytes = memory.readNBytes(in, (int) Math.min(Integer.MAX_VALUE - 8, expected + 1));
            if (bytes.length > limit) {
                throw new GatewayException(ApiError.tooLarge(limit));
            }
            return bytes;
        } catch (IllegalArgumentException | RequestException e) {
            // Helidon's chunk parser: a size that is not hexadecimal (NumberFormatException), a bad last chunk
            LOG.info("Refused a request whose chunked body is malformed (400 invalid_chunked_body)");
            throw new GatewayException(new ApiError(400, "invalid_request_error", "invalid_chunked_body", null,
                    "The chunked request body is malformed (RFC 9112, section 7.1): each chunk starts with its size in "
                            + "hexadecimal on a line of its own, and a chunk of size 0 ends the body."));
        } catch (IOException | UncheckedIOException | ServerConnectionException
                 | DataReader.InsufficientDataAvailableException e) {
            throw new GatewayException(CLIENT_CLOSED);
        }
    }

    /** Counted as 499, nginx's status for it: the client went away mid-upload, nothing failed on our side. */
    static final ApiError CLIENT_CLOSED = new ApiError(499, "invalid_request_error", "client_closed_request", null,
            "The client closed the connection before the request body was complete.");
}
