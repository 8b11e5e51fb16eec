package io.modelbridge.db.repo;

import java.math.BigDecimal;

/** Credits per 1000 prompt (input) and completion (output) tokens of a model. */
public record ModelPrice(String model, BigDecimal inputPer1k, BigDecimal outputPer1k) {}
