package io.modelbridge.admin.output;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Columns of text that fit a width: when the natural layout is too wide, the widest columns give up characters
 * first (cut with an ellipsis) until the table fits or every column is at its minimum.
 */
public final class Table {
    private static final String GAP = "  ";
    private static final int MIN_COLUMN = 5;
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... headers) {
        this.headers = List.of(headers);
    }

    public Table row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("expected " + headers.size() + " cells, got " + cells.length);
        }
        rows.add(Arrays.stream(cells).map(Cells::text).toList());
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** @param width the terminal's columns; 0 or less: no limit */
    public String render(int width) {
        int[] widths = fitted(natural(), width);
        StringBuilder out = new StringBuilder();
        line(out, headers, widths);
        for (List<String> row : rows) {
            line(out, row, widths);
        }
        return out.toString();
    }

    private int[] natural() {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        return widths;
    }

    static int[] fitted(int[] natural, int width) {
        int[] widths = natural.clone();
        if (width <= 0) {
            return widths;
        }
        int excess = Arrays.stream(widths).sum() + GAP.length() * (widths.length - 1) - width;
        while (excess > 0) {
            int widest = -1;
            for (int i = 0; i < widths.length; i++) {
                if (widths[i] > MIN_COLUMN && (widest < 0 || widths[i] > widths[widest])) {
                    widest = i;
                }
            }
            if (widest < 0) {
                break; // every column at its minimum: let the terminal wrap
            }
            widths[widest]--;
            excess--;
        }
        return widths;
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            String cell = cut(cells.get(i), widths[i]);
            line.append(cell);
            if (i < widths.length - 1) {
                line.append(" ".repeat(widths[i] - cell.length())).append(GAP);
            }
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    static String cut(String text, int width) {
        return text.length() <= width ? text : text.substring(0, Math.max(0, width - 1)) + "…";
    }
}
