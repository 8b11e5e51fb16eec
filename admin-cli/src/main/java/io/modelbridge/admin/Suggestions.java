package io.modelbridge.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The names nearest to a mistyped word: a prefix of one, or at most two edits away (a third for long words). */
final class Suggestions {
    private static final int MAX = 3;

    private Suggestions() {}

    static List<String> nearest(String typed, Collection<String> names) {
        String word = typed.toLowerCase(Locale.ROOT);
        int allowed = word.length() >= 8 ? 3 : word.length() >= 4 ? 2 : 1;
        List<Scored> close = new ArrayList<>();
        for (String name : names) {
            String candidate = name.toLowerCase(Locale.ROOT);
            int distance = candidate.startsWith(word) && word.length() >= 2 ? 0 : distance(word, candidate);
            if (distance <= allowed) {
                close.add(new Scored(name, distance));
            }
        }
        close.sort(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name));
        return close.stream().limit(MAX).map(Scored::name).toList();
    }

    /** Levenshtein distance, with a swap of two neighbours counted as one edit ("chnanel"). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private record Scored(String name, int distance) {}
}
