package io.modelbridge.db.repo;

import java.math.BigDecimal;

/**
 * Credits per 1000 prompt (input) and completion (output) tokens of a model.
 *
 * @param cachedInputPer1k credits per 1000 prompt tokens the vendor served from its prompt cache; null when the model
 *                         has no cached price (cached tokens then cost the input price)
 */
public record ModelPrice(String model, BigDecimal inputPer1k, BigDecimal cachedInputPer1k, BigDecimal outputPer1k) {
    /** A price without a cached input price. */
    public ModelPrice(String model, BigDecimal inputPer1k, BigDecimal outputPer1k) {
        this(model, inputPer1k, null, outputPer1k);
    }

    /** What a cached prompt token costs: the cached price, else the input price. */
    public BigDecimal effectiveCachedInputPer1k() {
        return cachedInputPer1k != null ? cachedInputPer1k : inputPer1k;
    }
}
