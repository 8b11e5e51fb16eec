package io.modelbridge.gateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;

/** Usage rows as the admin API reports them; rows are written in the background, so lookups wait (bounded). */
public final class UsageRows {
    private UsageRows() {}

    /** The row of a request, by the gateway's id or by the x-request-id the client sent (then the first such row). */
    public static JsonNode find(RunningGateway gateway, String requestId) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            for (JsonNode row : gateway.admin("GET", "/usage?since=1h&limit=500", null).get("data")) {
                if (row.get("request_id").asText().equals(requestId)
                        || row.path("client_request_id").asText().equals(requestId)) {
                    return row;
                }
            }
            sleep(50);
        }
        throw new AssertionError("no usage row for " + requestId);
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
