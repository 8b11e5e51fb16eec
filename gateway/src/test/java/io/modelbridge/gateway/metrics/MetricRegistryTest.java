package io.modelbridge.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
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
        assertTrue(text.contains("t_seconds_bucket{route=\"a\",le=\"1.0\"} 2\n"), text);
        assertTrue(text.contains("t_seconds_bucket{route=\"a\",le=\"+Inf\"} 3\n"), text);
        assertTrue(text.contains("t_seconds_sum{route=\"a\"} 7.55\n"), text);
        assertTrue(text.contains("t_seconds_count{route=\"a\"} 3\n"), text);
    }

    @Test
    void labelValuesAreEscapedAndCountersOnlyGrow() {
        MetricRegistry registry = new MetricRegistry();
        Counter c = registry.counter("c_total", "things", "name", "other");
        c.inc("a\"b\\c\nd", null);
        c.add(-5, "a\"b\\c\nd", null);
        c.add(2.5, "x", "");
        String text = registry.scrape();
        assertTrue(text.contains("# TYPE c_total counter\n"), text);
        assertTrue(text.contains("c_total{name=\"a\\\"b\\\\c\\nd\",other=\"\"} 1.0\n"), text);
        assertTrue(text.contains("c_total{name=\"x\",other=\"\"} 2.5\n"), text);
        assertThrows(IllegalArgumentException.class, () -> c.inc("one"));
    }

    @Test
    void gaugesAreReadAtScrapeTime() {
        MetricRegistry registry = new MetricRegistry();
        int[] backlog = {3};
        registry.gauge("backlog", "rows waiting", () -> (double) backlog[0]);
        Map<List<String>, Double>[] plugins = new Map[] {Map.of(List.of("openai", "1.0", "STARTED"), 1.0)};
        registry.gauge("x_plugin_info", "plugins", List.of("plugin", "version", "state"), () -> plugins[0]);
        String text = registry.scrape();
        assertTrue(text.contains("\nbacklog 3.0\n"), text);
        assertTrue(text.contains("\nx_plugin_info{plugin=\"openai\",state=\"STARTED\",version=\"1.0\"} 1\n"), text);
        backlog[0] = 0;
        plugins[0] = Map.of(List.of("glm", "2.0", "FAILED"), 1.0);
        text = registry.scrape();
        assertEquals(1, text.lines().filter(l -> l.equals("backlog 0.0")).count(), text);
        assertTrue(text.contains("\nx_plugin_info{plugin=\"glm\",state=\"FAILED\",version=\"2.0\"} 1\n"), text);
        assertTrue(!text.contains("openai"), "a plugin no longer listed has no series: " + text);
    }

    @Test
    void labelledGaugesFollowTheirSourceAtEachScrape() {
        MetricRegistry registry = new MetricRegistry();
        Map<List<String>, Double>[] states = new Map[] {Map.of(List.of("a", "open"), 1.0, List.of("b", "open"), 0.0)};
        registry.gauge("breaker_state", "state", List.of("channel", "state"), () -> states[0]);
        String text = registry.scrape();
        assertTrue(text.contains("\nbreaker_state{channel=\"a\",state=\"open\"} 1.0\n"), text);
        assertTrue(text.contains("\nbreaker_state{channel=\"b\",state=\"open\"} 0.0\n"), text);
        states[0] = Map.of(List.of("a", "open"), 0.0);
        text = registry.scrape();
        assertTrue(text.contains("\nbreaker_state{channel=\"a\",state=\"open\"} 0.0\n"), text);
        assertTrue(!text.contains("channel=\"b\""), "a channel no longer listed has no series: " + text);
    }

    @Test
    void namesThatWouldBeRenamedWhenScrapedAreRefused() {
        MetricRegistry registry = new MetricRegistry();
        assertThrows(IllegalArgumentException.class, () -> registry.counter("requests", "no _total"));
        assertThrows(IllegalArgumentException.class, () -> registry.gauge("rows_total", "a gauge", () -> 1.0));
        assertThrows(IllegalArgumentException.class, () -> registry.histogram("t_bucket", "h", List.of(), 1));
    }

    @Test
    void openMetricsWhenAskedFor() {
        MetricRegistry registry = new MetricRegistry();
        registry.counter("c_total", "things").inc();
        String accept = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assertEquals("application/openmetrics-text; version=1.0.0; charset=utf-8", MetricRegistry.contentType(accept));
        String text = registry.scrape(accept);
        assertTrue(text.contains("# TYPE c counter\n"), text);
        assertTrue(text.contains("\nc_total 1.0\n"), text);
        assertTrue(text.endsWith("# EOF\n"), text);
        assertEquals("text/plain; version=0.0.4; charset=utf-8", MetricRegistry.contentType("text/plain"));
        assertEquals("text/plain; version=0.0.4; charset=utf-8", MetricRegistry.contentType(null));
    }
}
