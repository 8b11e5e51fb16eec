package io.modelbridge.testkit.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the gateway's own account of the run through its admin API, and sends one probe request. */
final class AdminProbe {
    static final String USER = "bench";
    private static final Pattern BALANCE = Pattern.compile("\"quota_balance\"\\s*:\\s*\"?(-?[0-9.]+)");
    private static final Pattern REQUESTS = Pattern.compile("\"totals\"\\s*:\\s*\\{[^}]*?\"requests\"\\s*:\\s*(\\d+)");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final BenchOptions options;

    AdminProbe(BenchOptions options) {
        this.options = options;
    }

    /** One chat request through the gateway: its status and whether the rate limiter announced itself. */
    Governance probe() throws IOException, InterruptedException {
        Target g = options.gateway();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + g.address().getHostString() + ":"
                        + g.address().getPort() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + g.bearer()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + Target.MODEL
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"probe\"}],\"max_tokens\":8}"))
                .timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> reply = http.send(request, HttpResponse.BodyHandlers.ofString());
        boolean limited = reply.headers().map().keySet().stream().anyMatch(h -> h.toLowerCase().startsWith("x-ratelimit"));
        return new Governance(reply.statusCode(), limited, quotaBalance(), "", 0, 1);
    }

    String quotaBalance() throws IOException, InterruptedException {
        Matcher m = BALANCE.matcher(get("/users/" + USER));
        return m.find() ? m.group(1) : "unknown";
    }

    /** Usage rows written so far (all rows of this run: the data folder is fresh). */
    long usageRows() throws IOException, InterruptedException {
        Matcher m = REQUESTS.matcher(get("/usage?since=24h"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Waits (bounded) until the usage writer caught up with {@code expected} rows; returns the last count. */
    long awaitUsageRows(long expected, Duration atMost) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        long rows = usageRows();
        while (rows < expected && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            rows = usageRows();
        }
        return rows;
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(options.adminUrl() + path))
                .header("Authorization", "Bearer " + options.adminToken()).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> reply = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (reply.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + reply.statusCode() + ": " + reply.body());
        }
        return reply.body();
    }
}
