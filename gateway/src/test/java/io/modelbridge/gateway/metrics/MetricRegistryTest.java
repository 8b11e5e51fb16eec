package io.modelbridge.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricRegistryTest {
    @Test
    void histogramBucketsAreCumulativeWithSumAndCount() {
        MetricRegistry registry = new MetricRegistry();
        Histogram h = registry.histogram("t_seconds", "time", List.of("route"), 0.1, 1);
        h.observe(0.05, "a");
        h.observe(0.5, "a");
        h.observe(7, "a");
        String text = registry.scrape();
        assertTrue(text.contains("# TYPE t_seconds histogram\n"), text);
        assertTrue(text.contains("t_seconds_bucket{route=\"a\",le=\"0.1\"} 1\n"), text);
        assertTrue(text.contains("t_seconds_bucket{route=\"a\",le=\"1\"} 2\n"), text);
        assertTrue(text.contains("t_seconds_bucket{route=\"a\",le=\"+Inf\"} 3\n"), text);
        assertTrue(text.contains("t_seconds_sum{route=\"a\"} 7.55\n"), text);
        assertTrue(text.contains("t_seconds_count{route=\"a\"} 3\n"), text);
    }

    @Test
    void labelValuesAreEscapedAndCountersOnlyGrow() {
        MetricRegistry registry = new MetricRegistry();
        Counter c = registry.counter("c_total", "things", "name");
        c.inc("a\"b\\c\nd");
        c.add(-5, "a\"b\\c\nd");
        c.add(2.5, "x");
        String text = registry.scrape();
        assertTrue(text.contains("c_total{name=\"a\\\"b\\\\c\\nd\"} 1\n"), text);
        assertTrue(text.contains("c_total{name=\"x\"} 2.5\n"), text);
        assertThrows(IllegalArgumentException.class, () -> c.inc("one", "too many"));
    }

    @Test
    void gaugesAreReadAtScrapeTime() {
        MetricRegistry registry = new MetricRegistry();
        int[] backlog = {3};
        registry.gauge("backlog", "rows waiting", () -> (double) backlog[0]);
        assertTrue(registry.scrape().contains("\nbacklog 3\n"));
        backlog[0] = 0;
        assertEquals(1, registry.scrape().lines().filter(l -> l.equals("backlog 0")).count());
    }
}
