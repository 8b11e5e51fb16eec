package io.modelbridge.spi;

import java.util.List;
import java.util.Map;

/**
 * An embeddings request. Output encoding (float or base64) is the gateway's business, not the plugin's.
 *
 * @param input      the texts to embed, at least one
 * @param dimensions requested vector size, or null
 * @param user       the end-user id, or null
 * @param extras     other fields the client sent
 */
public record EmbeddingRequest(String model, List<String> input, Integer dimensions, String user,
                               Map<String, Object> extras) {
    public EmbeddingRequest {
        input = List.copyOf(input);
        extras = JsonValues.copy(extras);
    }

    public EmbeddingRequest withModel(String upstreamModel) {
        return new EmbeddingRequest(upstreamModel, input, dimensions, user, extras);
    }
}
