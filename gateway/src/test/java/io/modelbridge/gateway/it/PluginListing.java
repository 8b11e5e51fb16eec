package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** GET /admin/v1/plugins as tests read it, and waits (bounded) for a state. */
public final class PluginListing {
    private PluginListing() {}

    public static List<JsonNode> plugins(RunningGateway gateway) {
        JsonNode list = gateway.admin("GET", "/plugins", null).get("data");
        return Stream.iterate(0, i -> i < list.size(), i -> i + 1).map(list::get).toList();
    }

    public static List<JsonNode> await(RunningGateway gateway, Predicate<List<JsonNode>> condition, Duration within)
            throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        List<JsonNode> views = plugins(gateway);
        while (!condition.test(views)) {
            assertTrue(System.nanoTime() < end, "plugins did not reach the expected state within " + within + ": " + views);
            Thread.sleep(20);
            views = plugins(gateway);
        }
        return views;
    }

    /** The listed plugin with this id in this state. */
    public static Optional<JsonNode> find(List<JsonNode> views, String id, String state) {
        return views.stream().filter(v -> v.get("id").asText().equals(id) && v.get("state").asText().equals(state))
                .findFirst();
    }

    public static Predicate<List<JsonNode>> has(String id, String state, String version) {
        return views -> find(views, id, state).filter(v -> version == null || v.get("version").asText().equals(version))
                .isPresent();
    }
}
