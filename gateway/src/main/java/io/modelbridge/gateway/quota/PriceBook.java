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
 * Prompt tokens the vendor served from its cache cost the model's cached input price, if it has one.
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
        return cost(price, promptTokens, 0, completionTokens);
    }

    /**
     * What these tokens cost, rounded half up to 6 decimals: the {@code cachedPromptTokens} part of the prompt at the
     * model's cached input price (the input price when it has none), the rest of the prompt at the input price.
     */
    public static BigDecimal cost(ModelPrice price, long promptTokens, long cachedPromptTokens, long completionTokens) {
        long cached = Math.max(0, Math.min(cachedPromptTokens, promptTokens));
        long nano = nanoCredits(price, promptTokens - cached, cached, completionTokens);
        return nano >= 0 ? BigDecimal.valueOf((nano + 500) / 1000, 6)
                : raw(price, promptTokens - cached, cached, completionTokens).setScale(6, RoundingMode.HALF_UP);
    }

    /**
     * The most these tokens can cost, rounded up to 6 decimals (never below the charge of the same tokens): every
     * prompt token at the full input price, since whether the vendor's cache serves any is known only afterwards.
     */
    public static BigDecimal worstCase(ModelPrice price, long promptTokens, long completionTokens) {
        long nano = nanoCredits(price, promptTokens, 0, completionTokens);
        return nano >= 0 ? BigDecimal.valueOf((nano + 999) / 1000, 6)
                : raw(price, promptTokens, 0, completionTokens).setScale(6, RoundingMode.UP);
    }

    /**
     * The exact cost in 10⁻⁹ credits, in long arithmetic: a price per 1000 tokens in 10⁻⁶ credits (the column's 6
     * decimals) times a number of tokens is that. -1 when it does not fit (a price with more decimals or above 10¹²,
     * negative counts, an overflow): the caller then takes the BigDecimal route.
     */
    private static long nanoCredits(ModelPrice price, long uncachedPrompt, long cachedPrompt, long completionTokens) {
        long input = micros(price.inputPer1k());
        long cachedInput = micros(price.effectiveCachedInputPer1k());
        long output = micros(price.outputPer1k());
        if (input < 0 || cachedInput < 0 || output < 0 || uncachedPrompt < 0 || cachedPrompt < 0 || completionTokens < 0) {
            return -1;
        }
        try {
            return Math.addExact(Math.addExact(Math.multiplyExact(input, uncachedPrompt),
                    Math.multiplyExact(cachedInput, cachedPrompt)), Math.multiplyExact(output, completionTokens));
        } catch (ArithmeticException overflow) {
            return -1;
        }
    }

    /** A price in 10⁻⁶ credits, or -1 when it has more than 6 decimals, is negative or is 10¹² or more. */
    private static long micros(BigDecimal per1k) {
        if (per1k.signum() < 0 || per1k.scale() > 6 || per1k.precision() - per1k.scale() > 12) {
            return -1;
        }
        return per1k.movePointRight(6).longValue();
    }

    private static BigDecimal raw(ModelPrice price, long uncachedPrompt, long cachedPrompt, long completionTokens) {
        return price.inputPer1k().multiply(BigDecimal.valueOf(uncachedPrompt))
                .add(price.effectiveCachedInputPer1k().multiply(BigDecimal.valueOf(cachedPrompt)))
                .add(price.outputPer1k().multiply(BigDecimal.valueOf(completionTokens)))
                .divide(THOUSAND);
    }
}
