package io.modelbridge.spi;

import java.util.List;

/** Embedding vectors in input order, with the vendor's token count (null if it sent none). */
public record EmbeddingResponse(List<float[]> vectors, Usage usage) {
    public EmbeddingResponse {
        vectors = List.copyOf(vectors);
    }
}
