package io.modelbridge.gateway.portal;

import io.modelbridge.db.repo.DailyUsage;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/**
 * Stacked daily bars, one colour per model, as inline SVG drawn on the server (chart.jte): no script needed. This
 * class does the arithmetic; the template writes the markup.
 */
final class UsageChart {
    private static final String[] COLOURS = {"#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#0891b2",
        "#db2777", "#65a30d"};
    static final int WIDTH = 720;
    private static final int HEIGHT = 160;
    private static final int TOP = 16;
    static final int VIEW_HEIGHT = HEIGHT + TOP + 20;

    /** One chart: its element id, accessible label, the top of its scale, the bars and the day labels. */
    record Chart(String id, String label, String max, List<Bar> bars, List<Tick> ticks) {}

    /** One model's part of one day's bar; coordinates already formatted. */
    record Bar(String x, String y, String width, String height, String colour, String title) {}

    /** A day's label under its bar: centred, except the last, whose end is the chart's right edge. */
    record Tick(String x, int y, String day, String anchor) {}

    /** A model's colour in the legend. */
    record Swatch(String colour, String name) {}

    /** A model's requests and tokens over the whole period. */
    record Total(String name, long requests, long tokens, long cachedPromptTokens, long reasoningTokens) {}

    private UsageChart() {}

    /**
     * @param perDay what the chart shows, e.g. "Requests per day"
     * @param unit what a value counts, e.g. "requests"
     * @param days the days to draw, oldest first
     */
    static Chart chart(Language t, String id, String perDay, String unit, List<LocalDate> days, List<DailyUsage> rows,
                       ToLongFunction<DailyUsage> value) {
        List<String> models = models(t, rows);
        Map<LocalDate, Map<String, Long>> byDay = new LinkedHashMap<>();
        days.forEach(d -> byDay.put(d, new LinkedHashMap<>()));
        rows.stream().filter(r -> byDay.containsKey(r.day()))
                .forEach(r -> byDay.get(r.day()).merge(name(t, r), value.applyAsLong(r), Long::sum));
        long max = Math.max(1, byDay.values().stream()
                .mapToLong(m -> m.values().stream().mapToLong(Long::longValue).sum()).max().orElse(1));
        double slot = (double) WIDTH / days.size();
        List<Bar> bars = new ArrayList<>();
        List<Tick> ticks = new ArrayList<>();
        int i = 0;
        for (Map.Entry<LocalDate, Map<String, Long>> day : byDay.entrySet()) {
            double y = TOP + HEIGHT;
            for (Map.Entry<String, Long> part : day.getValue().entrySet()) {
                double h = (double) HEIGHT * part.getValue() / max;
                y -= h;
                bars.add(new Bar(decimal(i * slot + 1), decimal(y), decimal(slot - 2), decimal(h),
                        COLOURS[models.indexOf(part.getKey()) % COLOURS.length],
                        t.text("chartBar", day.getKey(), part.getKey(), part.getValue(), unit)));
            }
            if ((days.size() - 1 - i) % 7 == 0) { // today and every week before it
                boolean last = i == days.size() - 1;
                ticks.add(new Tick(decimal(last ? WIDTH - 1 : (i + 0.5) * slot), TOP + HEIGHT + 14,
                        day.getKey().toString().substring(5), last ? "end" : "middle"));
            }
            i++;
        }
        return new Chart(id, t.text("chartLabel", perDay.toLowerCase(Locale.ROOT), days.size()),
                t.text("chartMax", max, unit), bars, ticks);
    }

    static List<Swatch> legend(Language t, List<DailyUsage> rows) {
        List<String> models = models(t, rows);
        List<Swatch> swatches = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            swatches.add(new Swatch(COLOURS[i % COLOURS.length], models.get(i)));
        }
        return swatches;
    }

    static List<Total> totals(Language t, List<DailyUsage> rows) {
        Map<String, long[]> byModel = new TreeMap<>();
        rows.forEach(d -> {
            long[] sum = byModel.computeIfAbsent(name(t, d), k -> new long[4]);
            sum[0] += d.requests();
            sum[1] += d.tokens();
            sum[2] += d.cachedPromptTokens();
            sum[3] += d.reasoningTokens();
        });
        return byModel.entrySet().stream().map(e -> new Total(e.getKey(), e.getValue()[0], e.getValue()[1],
                e.getValue()[2], e.getValue()[3])).toList();
    }

    private static List<String> models(Language t, List<DailyUsage> rows) {
        TreeSet<String> names = new TreeSet<>();
        rows.forEach(r -> names.add(name(t, r)));
        return List.copyOf(names);
    }

    /** The model's name, or (in t's words) that the request reached none. */
    private static String name(Language t, DailyUsage r) {
        return r.alias() == null ? t.text("unrouted") : r.alias();
    }

    private static String decimal(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
