package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.MODEL_PRICES;

import java.util.List;
import org.jooq.DSLContext;

/** Model prices. */
public final class PriceRepository {
    private final DSLContext dsl;

    public PriceRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    public List<ModelPrice> list() {
        return dsl.selectFrom(MODEL_PRICES).orderBy(MODEL_PRICES.MODEL)
                .fetch(r -> new ModelPrice(r.getModel(), r.getInputPer_1k(), r.getCachedInputPer_1k(), r.getOutputPer_1k()));
    }

    /** Creates or replaces the model's price. */
    public void put(ModelPrice price) {
        dsl.insertInto(MODEL_PRICES)
                .set(MODEL_PRICES.MODEL, price.model())
                .set(MODEL_PRICES.INPUT_PER_1K, price.inputPer1k()).set(MODEL_PRICES.OUTPUT_PER_1K, price.outputPer1k())
                .set(MODEL_PRICES.CACHED_INPUT_PER_1K, price.cachedInputPer1k())
                .onConflict(MODEL_PRICES.MODEL).doUpdate()
                .set(MODEL_PRICES.INPUT_PER_1K, price.inputPer1k()).set(MODEL_PRICES.OUTPUT_PER_1K, price.outputPer1k())
                .set(MODEL_PRICES.CACHED_INPUT_PER_1K, price.cachedInputPer1k())
                .execute();
    }

    public boolean delete(String model) {
        return dsl.deleteFrom(MODEL_PRICES).where(MODEL_PRICES.MODEL.eq(model)).execute() == 1;
    }
}
