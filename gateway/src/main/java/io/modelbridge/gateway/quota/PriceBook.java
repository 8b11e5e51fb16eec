package io.modelbridge.gateway.quota;

import io.modelbridge.db.repo.ModelPrice;
import io.modelbridge.db.repo.PriceRepository;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Model prices, by the model name the client sends (the alias), in credits per 1000 tokens. A model without a
 * price is free: its requests need no quota. Costs have 6 decimals; a charge rounds half up, a reservation up.
 */
public final class PriceBook {
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private final PriceRepository repository;
    private volatile Map<String, ModelPrice> prices = Map.of();

    public PriceBook(PriceRepository repository) {
        this.repository = repository;
        reload();
    }

    /** Re-reads the prices (after a PRICES change). */
    public void reload() {
        prices = repository.list().stream().collect(Collectors.toUnmodifiableMap(ModelPrice::model, Function.identity()));
    }

    public Optional<ModelPrice> of(String model) {
        return Optional.ofNullable(prices.get(model));
    }

    /** What these tokens cost, rounded half up to 6 decimals. */
    public static BigDecimal cost(ModelPrice price, long promptTokens, long completionTokens) {
        return raw(price, promptTokens, completionTokens).setScale(6, RoundingMode.HALF_UP);
    }

    /** The most these tokens can cost, rounded up to 6 decimals (never below the charge of the same tokens). */
    public static BigDecimal worstCase(ModelPrice price, long promptTokens, long completionTokens) {
        return raw(price, promptTokens, completionTokens).setScale(6, RoundingMode.UP);
    }

    private static BigDecimal raw(ModelPrice price, long promptTokens, long completionTokens) {
        return price.inputPer1k().multiply(BigDecimal.valueOf(promptTokens))
                .add(price.outputPer1k().multiply(BigDecimal.valueOf(completionTokens)))
                .divide(THOUSAND);
    }
}
