package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.gateway.it.PrometheusExposition.Family;
import io.modelbridge.gateway.it.PrometheusExposition.Sample;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /metrics scraped over a real socket and read with a strict exposition parser: every series the metrics table
 * of docs/operations.md lists is there with its type and exactly its labels, the latency buckets are the documented
 * ones, the JVM, process and connection pool series exist, and OpenMetrics is served to a scraper that asks for it.
 */
@Tag("it")
class MetricsExpositionIT {
    /** 5 ms to 120 s, as documented. */
    static final Set<Double> LATENCY_BUCKETS = Set.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            30.0, 60.0, 120.0, Double.POSITIVE_INFINITY);
    /** What operators' dashboards for a JVM service behind a HikariCP pool look for. */
    static final List<String> RUNTIME = List.of("jvm_memory_used_bytes", "jvm_memory_max_bytes",
            "jvm_gc_memory_allocated_bytes_total", "jvm_threads_live_threads", "jvm_threads_states_threads",
            "jvm_threads_virtual_pinned_seconds", "jvm_classes_loaded_classes", "jvm_info", "process_cpu_usage",
            "process_cpu_time_ns_total", "process_files_open_files", "process_files_max_files", "process_uptime_seconds",
            "system_cpu_count", "hikaricp_connections_active", "hikaricp_connections_idle",
            "hikaricp_connections_pending", "hikaricp_connections_max", "hikaricp_connections_acquire_seconds");

    @TempDir
    static Path dataDir;
    static OneChannelGateway sim;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        sim = OneChannelGateway.start(dataDir);
        gateway = sim.gateway();
        OpenAiSimulator upstream = sim.upstream();
        ApiCalls api = sim.api();
        String key = gateway.userWithKey("scraped");
        api.chatOk(key, chat("smart", "one two", false));
        api.chatOk(key, chat("smart", "streamed", true));
        upstream.failNextServerError(1);
        assertEquals(502, api.post("/v1/chat/completions", key, chat("smart", "boom", false)).statusCode());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void everyDocumentedSeriesHasItsTypeAndLabels() {
        HttpResponse<String> res = scrape(null);
        assertEquals("text/plain; version=0.0.4; charset=utf-8", res.headers().firstValue("content-type").orElseThrow());
        Map<String, Family> families = PrometheusExposition.parse(res.body(), false);
        List<String> problems = new ArrayList<>();
        List<Documented> documented = documented();
        assertTrue(documented.size() >= 18, "the metrics table was read: " + documented);
        for (Documented d : documented) {
            Family f = families.get(d.name());
            if (f == null) {
                problems.add(d.name() + " missing");
                continue;
            }
            String type = d.name().endsWith("_info") ? "gauge" : d.type();
            if (!f.type().equals(type)) {
                problems.add(d.name() + " is a " + f.type() + ", documented " + d.type());
            }
            if (f.samples().isEmpty()) {
                problems.add(d.name() + " has no series after traffic");
            }
            for (Sample s : f.samples()) {
                Set<String> labels = new TreeSet<>(s.labels().keySet());
                labels.remove("le");
                if (!labels.equals(d.labels())) {
                    problems.add(s.name() + " has labels " + labels + ", documented " + d.labels());
                }
            }
        }
        assertEquals(List.of(), problems, res.body());
        for (String histogram : List.of("modelbridge_request_duration_seconds", "modelbridge_time_to_first_token_seconds")) {
            Set<Double> buckets = new HashSet<>();
            families.get(histogram).named(histogram + "_bucket").forEach(s -> buckets.add(Double.parseDouble(
                    s.labels().get("le").replace("+Inf", "Infinity"))));
            assertEquals(LATENCY_BUCKETS, buckets, histogram);
        }
        assertEquals(1, value(families, "modelbridge_requests_total",
                Map.of("alias", "smart", "channel", "sim", "status", "502")));
        assertEquals(1, value(families, "modelbridge_plugin_info", Map.of("plugin", "openai")));
        assertEquals(1, value(families, "modelbridge_circuit_breaker_state", Map.of("channel", "sim", "state", "closed")));
    }

    @Test
    void jvmProcessAndConnectionPoolSeriesExist() {
        Map<String, Family> families = PrometheusExposition.parse(scrape(null).body(), false);
        List<String> missing = RUNTIME.stream().filter(name -> !families.containsKey(name)
                || families.get(name).samples().isEmpty()).toList();
        assertEquals(List.of(), missing, String.join("\n", families.keySet()));
        assertTrue(value(families, "hikaricp_connections_max", Map.of("pool", "modelbridge-db")) > 0);
        // Summed over the heap's pools: one pool alone (eden, survivor) is often empty right after a collection.
        double heap = families.get("jvm_memory_used_bytes").samples().stream()
                .filter(s -> "heap".equals(s.labels().get("area"))).mapToDouble(Sample::value).sum();
        assertTrue(heap > 0, "heap used: " + families.get("jvm_memory_used_bytes"));
        assertTrue(value(families, "process_files_open_files", Map.of()) > 0);
    }

    @Test
    void openMetricsWhenTheScraperAsksForIt() {
        HttpResponse<String> res = scrape("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        assertEquals("application/openmetrics-text; version=1.0.0; charset=utf-8",
                res.headers().firstValue("content-type").orElseThrow());
        Map<String, Family> open = PrometheusExposition.parse(res.body(), true);
        assertEquals("counter", open.get("modelbridge_requests").type());
        assertEquals("info", open.get("modelbridge_plugin").type());
        assertEquals("histogram", open.get("modelbridge_request_duration_seconds").type());
        Map<String, String> failed = Map.of("alias", "smart", "channel", "sim", "status", "502");
        assertEquals(1, value(open, "modelbridge_requests", "modelbridge_requests_total", failed));
        assertEquals(1, value(open, "modelbridge_plugin", "modelbridge_plugin_info", Map.of("plugin", "openai")));

        HttpResponse<String> plain = scrape("text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        assertEquals("text/plain; version=0.0.4; charset=utf-8", plain.headers().firstValue("content-type").orElseThrow());
        assertFalse(plain.body().contains("# EOF"));
        assertNotNull(PrometheusExposition.parse(plain.body(), false).get("modelbridge_requests_total"));
    }

    record Documented(String name, String type, Set<String> labels) {}

    /** The rows of the table under "## Metrics" in docs/operations.md. */
    static List<Documented> documented() {
        String doc;
        try {
            doc = Files.readString(Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("operations.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String section = doc.substring(doc.indexOf("## Metrics"));
        section = section.substring(0, section.indexOf("\n## ", 3));
        List<Documented> rows = new ArrayList<>();
        Pattern row = Pattern.compile("(?m)^\\| (`modelbridge_[^|]+) \\| (\\w+)[^|]* \\| ([^|]+) \\|$");
        Pattern code = Pattern.compile("`([^`]+)`");
        Matcher m = row.matcher(section);
        while (m.find()) {
            Set<String> labels = new TreeSet<>();
            Matcher l = code.matcher(m.group(3).replaceAll("\\([^)]*\\)", ""));
            while (l.find()) {
                labels.add(l.group(1));
            }
            Matcher names = code.matcher(m.group(1));
            while (names.find()) {
                rows.add(new Documented(names.group(1), m.group(2), labels));
            }
        }
        return rows;
    }

    private static double value(Map<String, Family> families, String name, Map<String, String> labels) {
        return value(families, name, name, labels);
    }

    /** The value of the one sample named {@code sample} in {@code family} whose labels include {@code labels}. */
    private static double value(Map<String, Family> families, String family, String sample, Map<String, String> labels) {
        List<Sample> matching = families.get(family).named(sample).stream()
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
        assertFalse(matching.isEmpty(), "no " + sample + labels + " in " + families.get(family));
        return matching.getFirst().value();
    }

    private static HttpResponse<String> scrape(String accept) {
        return PrometheusExposition.scrape(gateway.admin(), accept);
    }
}
