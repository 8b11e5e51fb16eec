package io.modelbridge.gateway.http;

import io.modelbridge.spi.EmbeddingRequest;
import io.modelbridge.spi.EmbeddingResponse;
import io.modelbridge.spi.Usage;

/** An embeddings request in canonical form, and how its dialect answers it. */
record EmbeddingsCall(EmbeddingRequest request, Answer answer) {

    /** The dialect's JSON body for the vectors, with the usage that is billed. */
    @FunctionalInterface
    interface Answer {
        byte[] encode(EmbeddingResponse response, Usage usage);
    }
}
