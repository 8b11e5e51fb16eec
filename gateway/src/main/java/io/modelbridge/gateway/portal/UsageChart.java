package io.modelbridge.gateway.portal;

import io.modelbridge.db.repo.DailyUsage;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/** Stacked daily bars, one colour per model, drawn as inline SVG on the server: no script needed. */
final class UsageChart {
    private static final String[] COLOURS = {"#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#0891b2",
        "#db2777", "#65a30d"};
    private static final int WIDTH = 720;
    private static final int HEIGHT = 160;
    private static final int TOP = 16;

    private UsageChart() {}

    /**
     * @param perDay what the chart shows, e.g. "Requests per day"
     * @param unit what a value counts, e.g. "requests"
     * @param days the days to draw, oldest first
     */
    static String svg(Messages t, String id, String perDay, String unit, List<LocalDate> days, List<DailyUsage> rows,
                      ToLongFunction<DailyUsage> value) {
        List<String> models = models(t, rows);
        Map<LocalDate, Map<String, Long>> byDay = new LinkedHashMap<>();
        days.forEach(d -> byDay.put(d, new LinkedHashMap<>()));
        rows.stream().filter(r -> byDay.containsKey(r.day()))
                .forEach(r -> byDay.get(r.day()).merge(name(t, r), value.applyAsLong(r), Long::sum));
        long max = Math.max(1, byDay.values().stream()
                .mapToLong(m -> m.values().stream().mapToLong(Long::longValue).sum()).max().orElse(1));
        double slot = (double) WIDTH / days.size();
        StringBuilder svg = new StringBuilder("<svg id=\"").append(id).append("\" class=\"chart\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(HEIGHT + TOP + 20).append("\" role=\"img\" aria-label=\"")
                .append(Html.text(t.chartLabel(perDay, days.size()))).append("\">");
        svg.append("<text x=\"0\" y=\"11\" class=\"axis\">").append(Html.text(t.chartMax(max, unit)))
                .append("</text>");
        int i = 0;
        for (Map.Entry<LocalDate, Map<String, Long>> day : byDay.entrySet()) {
            double y = TOP + HEIGHT;
            for (Map.Entry<String, Long> part : day.getValue().entrySet()) {
                double h = (double) HEIGHT * part.getValue() / max;
                y -= h;
                svg.append(String.format(java.util.Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s"
                                + "</title></rect>", i * slot + 1, y, slot - 2, h,
                        COLOURS[models.indexOf(part.getKey()) % COLOURS.length],
                        Html.text(t.chartBar(day.getKey().toString(), part.getKey(), part.getValue(), unit))));
            }
            if ((days.size() - 1 - i) % 7 == 0) { // today and every week before it
                svg.append(String.format(java.util.Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"axis\">%s</text>",
                        i * slot, TOP + HEIGHT + 14, day.getKey().toString().substring(5)));
            }
            i++;
        }
        return svg.append("</svg>").toString();
    }

    static String legend(Messages t, List<DailyUsage> rows) {
        List<String> models = models(t, rows);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            items.add("<li><span class=\"swatch\" data-colour=\"" + COLOURS[i % COLOURS.length] + "\">"
                    + "<svg width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\" fill=\""
                    + COLOURS[i % COLOURS.length] + "\"/></svg></span>" + Html.text(models.get(i)) + "</li>");
        }
        return "<ul class=\"legend\">" + String.join("", items) + "</ul>";
    }

    private static List<String> models(Messages t, List<DailyUsage> rows) {
        TreeSet<String> names = new TreeSet<>();
        rows.forEach(r -> names.add(name(t, r)));
        return List.copyOf(names);
    }

    /** The model's name, or (in t's words) that the request reached none. */
    static String name(Messages t, DailyUsage r) {
        return r.alias() == null ? t.unrouted() : r.alias();
    }
}
