package io.modelbridge.gateway.spill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs of rows go in one batch each, a close only after the rows queued before it; a failure keeps the rest. */
class RowsThenClosesTest {
    /** A row, or (row null) a lease to close. */
    private record Item(String row, long lease) {}

    private static Item row(String row) {
        return new Item(row, 0);
    }

    private static Item close(long lease) {
        return new Item(null, lease);
    }

    @Test
    void writesEachRunOfRowsInOneBatchAndEachCloseAfterTheRowsBeforeIt() {
        List<Item> items = new ArrayList<>(List.of(row("a"), row("b"), close(1), row("c"), close(2), close(3)));
        List<String> calls = new ArrayList<>();

        RowsThenCloses.write(items, Item::row,
                rows -> calls.add("insert " + rows), item -> calls.add("close " + item.lease()));

        assertEquals(List.of("insert [a, b]", "close 1", "insert [c]", "close 2", "close 3"), calls);
        assertEquals(List.of(), items);
    }

    @Test
    void aFailedInsertLeavesExactlyTheUnwrittenItemsInOrder() {
        List<Item> items = new ArrayList<>(List.of(row("a"), close(1), row("b"), row("c"), close(2)));
        List<String> calls = new ArrayList<>();

        assertThrows(IllegalStateException.class, () -> RowsThenCloses.write(items, Item::row, rows -> {
            if (rows.contains("b")) {
                throw new IllegalStateException("database down");
            }
            calls.add("insert " + rows);
        }, item -> calls.add("close " + item.lease())));

        assertEquals(List.of("insert [a]", "close 1"), calls);
        assertEquals(List.of(row("b"), row("c"), close(2)), items);
    }

    @Test
    void aFailedCloseStaysAtTheHeadWithEverythingBehindIt() {
        List<Item> items = new ArrayList<>(List.of(row("a"), close(1), row("b")));
        List<String> calls = new ArrayList<>();

        assertThrows(IllegalStateException.class, () -> RowsThenCloses.write(items, Item::row,
                rows -> calls.add("insert " + rows), item -> {
                    throw new IllegalStateException("database down");
                }));

        assertEquals(List.of("insert [a]"), calls);
        assertEquals(List.of(close(1), row("b")), items);
    }
}
