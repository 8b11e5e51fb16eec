package io.modelbridge.gateway.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelbridge.db.repo.ModelPrice;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The long-arithmetic costs equal the exact decimal ones, rounding included, and large figures still work. */
class PriceBookTest {
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    @Test
    void costsEqualTheExactDecimalComputation() {
        Random random = new Random(16);
        for (int i = 0; i < 200_000; i++) {
            ModelPrice price = new ModelPrice("m", micros(random), micros(random));
            long prompt = random.nextInt(3) == 0 ? random.nextInt(10) : random.nextLong(2_000_000);
            long completion = random.nextInt(3) == 0 ? random.nextInt(10) : random.nextLong(2_000_000);
            assertEquals(exact(price, prompt, completion, RoundingMode.HALF_UP), PriceBook.cost(price, prompt, completion));
            assertEquals(exact(price, prompt, completion, RoundingMode.UP), PriceBook.worstCase(price, prompt, completion));
        }
    }

    @Test
    void roundingAtTheSixthDecimal() {
        ModelPrice price = new ModelPrice("m", new BigDecimal("0.001500"), new BigDecimal("0.000001"));
        assertEquals(new BigDecimal("0.000002"), PriceBook.cost(price, 1, 0)); // 0.0000015 half up
        assertEquals(new BigDecimal("0.000000"), PriceBook.cost(price, 0, 499));
        assertEquals(new BigDecimal("0.000001"), PriceBook.cost(price, 0, 500));
        assertEquals(new BigDecimal("0.000001"), PriceBook.worstCase(price, 0, 1)); // 0.000000001 up
        assertEquals(new BigDecimal("0.000000"), PriceBook.worstCase(price, 0, 0));
    }

    @Test
    void figuresBeyondALongTakeTheDecimalRoute() {
        ModelPrice huge = new ModelPrice("m", new BigDecimal("99999999999999.999999"), new BigDecimal("12.3456789"));
        long tokens = Long.MAX_VALUE / 3;
        assertEquals(exact(huge, tokens, tokens, RoundingMode.HALF_UP), PriceBook.cost(huge, tokens, tokens));
        assertEquals(exact(huge, tokens, 7, RoundingMode.UP), PriceBook.worstCase(huge, tokens, 7));
        ModelPrice plain = new ModelPrice("m", new BigDecimal("2"), BigDecimal.ZERO); // scale 0, as built in code
        assertEquals(new BigDecimal("0.002000"), PriceBook.cost(plain, 1, 1));
    }

    @Test
    void cachedPromptTokensCostTheCachedPriceAndTheReservationStaysOnTheFullInputPrice() {
        ModelPrice price = new ModelPrice("m", new BigDecimal("2"), new BigDecimal("0.5"), new BigDecimal("8"));
        // (1000 - 600) x 2 + 600 x 0.5 + 500 x 8, per 1000 tokens: 0.8 + 0.3 + 4
        assertEquals(new BigDecimal("5.100000"), PriceBook.cost(price, 1000, 600, 500));
        assertEquals(new BigDecimal("6.000000"), PriceBook.cost(price, 1000, 0, 500));
        assertEquals(new BigDecimal("6.000000"), PriceBook.worstCase(price, 1000, 500));
        ModelPrice noCachedPrice = new ModelPrice("m", new BigDecimal("2"), new BigDecimal("8"));
        assertEquals(new BigDecimal("6.000000"), PriceBook.cost(noCachedPrice, 1000, 600, 500));
        // a cached count above the prompt is the whole prompt, never a negative uncached part
        assertEquals(new BigDecimal("4.500000"), PriceBook.cost(price, 1000, 5000, 500));
    }

    @Test
    void cachedCostsEqualTheExactDecimalComputation() {
        Random random = new Random(14);
        for (int i = 0; i < 100_000; i++) {
            ModelPrice price = new ModelPrice("m", micros(random), micros(random), micros(random));
            long prompt = random.nextLong(2_000_000);
            long cached = random.nextInt(3) == 0 ? 0 : random.nextLong(prompt + 1);
            long completion = random.nextLong(2_000_000);
            BigDecimal exact = price.inputPer1k().multiply(BigDecimal.valueOf(prompt - cached))
                    .add(price.cachedInputPer1k().multiply(BigDecimal.valueOf(cached)))
                    .add(price.outputPer1k().multiply(BigDecimal.valueOf(completion)))
                    .divide(THOUSAND).setScale(6, RoundingMode.HALF_UP);
            assertEquals(exact, PriceBook.cost(price, prompt, cached, completion));
        }
        ModelPrice huge = new ModelPrice("m", new BigDecimal("99999999999999.999999"), new BigDecimal("0.1234567"),
                BigDecimal.ONE);
        assertEquals(new BigDecimal("99999999999999.999999").multiply(BigDecimal.valueOf(3))
                .add(new BigDecimal("0.1234567").multiply(BigDecimal.valueOf(7))).add(BigDecimal.ONE)
                .divide(THOUSAND).setScale(6, RoundingMode.HALF_UP), PriceBook.cost(huge, 10, 7, 1));
    }

    private static BigDecimal micros(Random random) {
        long micros = switch (random.nextInt(4)) {
            case 0 -> random.nextInt(1000);
            case 1 -> random.nextLong(1_000_000_000L);
            case 2 -> 0;
            default -> random.nextLong(1_000_000_000_000_000L);
        };
        return BigDecimal.valueOf(micros, 6);
    }

    private static BigDecimal exact(ModelPrice p, long prompt, long completion, RoundingMode mode) {
        return p.inputPer1k().multiply(BigDecimal.valueOf(prompt)).add(p.outputPer1k().multiply(BigDecimal.valueOf(completion)))
                .divide(THOUSAND).setScale(6, mode);
    }
}
