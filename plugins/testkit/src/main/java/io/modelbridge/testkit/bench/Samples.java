package io.modelbridge.testkit.bench;

import java.util.Arrays;
import java.util.List;

/** A growable array of long samples (nanoseconds), merged and sorted once at the end of a phase. */
final class Samples {
    private long[] values = new long[4096];
    private int size;

    void add(long value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    void addAll(Samples other) {
        for (int i = 0; i < other.size; i++) {
            add(other.values[i]);
        }
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    long[] sorted() {
        long[] copy = Arrays.copyOf(values, size);
        Arrays.sort(copy);
        return copy;
    }

    /** All values of several sorted arrays, sorted. */
    static long[] merge(List<long[]> sorted) {
        long[] all = new long[sorted.stream().mapToInt(a -> a.length).sum()];
        int at = 0;
        for (long[] a : sorted) {
            System.arraycopy(a, 0, all, at, a.length);
            at += a.length;
        }
        Arrays.sort(all);
        return all;
    }

    /** The q-quantile (0..1) of sorted values by the nearest-rank rule; 0 when empty. */
    static long quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
