package io.modelbridge.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads the gateway's own account of the run through its admin API, and sends one probe request. */
final class AdminProbe {
    static final String USER = "bench";
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
        JsonNode balance = get("/users/" + USER).findValue("quota_balance");
        return balance == null || balance.isNull() ? "unknown" : balance.asText();
    }

    /** Usage rows written so far (all rows of this run: the data folder is fresh). */
    long usageRows() throws IOException, InterruptedException {
        return get("/usage?since=24h").path("totals").path("requests").asLong(-1);
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

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(options.adminUrl() + path))
                .header("Authorization", "Bearer " + options.adminToken()).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> reply = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (reply.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + reply.statusCode() + ": " + reply.body());
        }
        return Json.read(reply.body());
    }
}
