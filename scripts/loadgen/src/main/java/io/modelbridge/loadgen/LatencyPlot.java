package io.modelbridge.loadgen;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;

/**
 * docs/benchmarks/latency.png, drawn with java.awt (headless): for each measurement, the latency of the three
 * paths by percentile (log milliseconds), on a "nines" axis (0, 90, 99, 99.9, 99.99 %) so the tail is as visible as the median.
 */
final class LatencyPlot {
    private static final int PANEL_W = 560;
    private static final int PANEL_H = 420;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final double MAX_NINES = 4;
    private static final Map<String, Color> COLORS = Map.of("floor", new Color(120, 120, 120),
            "nginx", new Color(0, 150, 70), "modelbridge", new Color(30, 90, 220));

    /** One panel: a title and the latencies (nanoseconds) of each path, in legend order. */
    record Panel(String title, List<String> paths, List<Histogram> nanos) {}

    private LatencyPlot() {}

    static void write(Path png, List<Panel> panels) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int columns = Math.min(2, panels.size());
        int rows = (panels.size() + columns - 1) / columns;
        BufferedImage image = new BufferedImage(PANEL_W * columns, PANEL_H * rows, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        for (int i = 0; i < panels.size(); i++) {
            Graphics2D p = (Graphics2D) g.create(i % columns * PANEL_W, i / columns * PANEL_H, PANEL_W, PANEL_H);
            panel(p, panels.get(i));
            p.dispose();
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private static void panel(Graphics2D g, Panel panel) {
        int w = PANEL_W - LEFT - RIGHT;
        int h = PANEL_H - TOP - BOTTOM;
        double lo = Math.floor(Math.log10(Math.max(1e-2, panel.nanos().stream()
                .mapToDouble(n -> n.getTotalCount() == 0 ? 1 : n.getMinValue() / 1e6).min().orElse(1))));
        double hi = Math.ceil(Math.log10(Math.max(Math.pow(10, lo + 1), panel.nanos().stream()
                .mapToDouble(n -> n.getTotalCount() == 0 ? 1 : n.getMaxValue() / 1e6).max().orElse(1))));
        Scale scale = new Scale(w, h, lo, hi);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.setColor(Color.BLACK);
        g.drawString(panel.title(), LEFT, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%"};
        for (int k = 0; k <= 4; k++) {
            int x = scale.x(k);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(x, TOP, x, TOP + h);
            g.setColor(Color.DARK_GRAY);
            g.drawString(labels[k], k == 4 ? x - 34 : x - 12, TOP + h + 16);
        }
        for (double decade = lo; decade < hi; decade++) {
            for (int m : new int[] {1, 2, 5}) {
                double ms = m * Math.pow(10, decade);
                int y = scale.y(ms);
                g.setColor(new Color(225, 225, 225));
                g.drawLine(LEFT, y, LEFT + w, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(new BigDecimal(ms).round(new MathContext(1)).stripTrailingZeros().toPlainString(), 10, y + 4);
            }
        }
        g.drawString(new BigDecimal(Math.pow(10, hi)).round(new MathContext(1)).toPlainString(), 10, TOP + 4);
        g.drawString("percentile", LEFT + w / 2 - 25, TOP + h + 34);
        g.drawString("ms (log)", 10, TOP - 12);
        g.setColor(Color.GRAY);
        g.drawRect(LEFT, TOP, w, h);
        for (int i = 0; i < panel.paths().size(); i++) {
            String path = panel.paths().get(i);
            g.setColor(COLORS.getOrDefault(path, Color.MAGENTA));
            curve(g, panel.nanos().get(i), scale);
            g.fillRect(LEFT + 10 + i * 130, TOP + h + 42, 14, 4);
            g.drawString(path, LEFT + 28 + i * 130, TOP + h + 48);
        }
    }

    /** Percentile ("nines") to x, milliseconds to y on a log scale from 10^lo to 10^hi. */
    private record Scale(int w, int h, double lo, double hi) {
        int x(double nines) {
            return LEFT + (int) (w * nines / MAX_NINES);
        }

        int y(double ms) {
            double f = (Math.log10(Math.max(ms, 1e-6)) - lo) / (hi - lo);
            return TOP + h - (int) Math.round(h * Math.max(0, Math.min(1, f)));
        }
    }

    private static void curve(Graphics2D g, Histogram nanos, Scale scale) {
        if (nanos.getTotalCount() == 0) {
            return;
        }
        g.setStroke(new BasicStroke(2f));
        double lastNines = Math.min(MAX_NINES, Math.log10(nanos.getTotalCount()));
        int px = -1;
        int py = -1;
        for (int step = 0; step <= 400; step++) {
            double nines = lastNines * step / 400;
            int x = scale.x(nines);
            int y = scale.y(nanos.getValueAtPercentile(100 * (1 - Math.pow(10, -nines))) / 1e6);
            if (px >= 0) {
                g.drawLine(px, py, x, y);
            }
            px = x;
            py = y;
        }
    }
}
