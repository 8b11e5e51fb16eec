package io.modelbridge.admin.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void columnsAlignWithTwoSpacesAndNoTrailingBlanks() {
        String table = new Table("NAME", "ENABLED", "NOTE").row("alice", true, null).row("bob", false, "x").render(0);
        assertEquals("""
                NAME   ENABLED  NOTE
                alice  yes      -
                bob    no       x
                """, table);
    }

    @Test
    void theWidestColumnsGiveWayFirst() {
        assertArrayEquals(new int[] {4, 10, 10}, Table.fitted(new int[] {4, 20, 12}, 28));
        assertArrayEquals(new int[] {4, 20, 12}, Table.fitted(new int[] {4, 20, 12}, 0), "0: no limit");
        assertArrayEquals(new int[] {5, 5, 5}, Table.fitted(new int[] {30, 30, 30}, 10), "never below 5");
    }

    @Test
    void cutCellsEndWithAnEllipsis() {
        String table = new Table("URL", "X").row("https://example.com/long/path", "y").render(16);
        assertEquals("URL" + " ".repeat(10) + "  X\n" + "https://exam…  y\n", table, "URL cut to 13 columns");
        assertEquals("https://exampl…", Table.cut("https://example.com", 15));
        assertEquals("short", Table.cut("short", 15));
    }
}
