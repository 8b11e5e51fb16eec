package io.modelbridge.gateway.spill;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Writes a queue of rows and quota lease closes in queue order: each run of rows in one batch, each close after the
 * rows queued before it (a lease's close charges its rows, so they must be in the database first). Used by the usage
 * writer and by the replay of an earlier version's ledger spill file.
 */
public final class RowsThenCloses {
    private RowsThenCloses() {}

    /**
     * Writes {@code items} from the front; each item is a row ({@code rowOf} gives it) or, where {@code rowOf} gives
     * null, a lease to close. Written items leave the list, so when {@code insert} or {@code close} throws, the list
     * holds exactly what is not written yet, in order.
     */
    public static <I, R> void write(List<I> items, Function<I, R> rowOf, Consumer<List<R>> insert, Consumer<I> close) {
        while (!items.isEmpty()) {
            List<R> rows = new ArrayList<>();
            for (int i = 0; i < items.size() && rowOf.apply(items.get(i)) != null; i++) {
                rows.add(rowOf.apply(items.get(i)));
            }
            if (!rows.isEmpty()) {
                insert.accept(rows);
                items.subList(0, rows.size()).clear();
            } else {
                close.accept(items.getFirst());
                items.removeFirst();
            }
        }
    }
}
