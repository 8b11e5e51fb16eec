package io.modelbridge.admin.repl;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.admin.client.AdminClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Names the console completes with, fetched from the admin API and kept for a few seconds (one TAB fetches, the
 * next TAB reuses). A failed fetch completes nothing rather than breaking the line being edited.
 */
public final class LiveValues {
    private static final Duration TTL = Duration.ofSeconds(3);
    private final AdminClient client;
    private final Map<String, Fetched> cache = new ConcurrentHashMap<>();

    public LiveValues(AdminClient client) {
        this.client = client;
    }

    public List<String> users() {
        return cached("users", () -> field(client.get("/users"), "name"));
    }

    public List<String> channels() {
        return cached("channels", () -> field(client.get("/channels"), "name"));
    }

    public List<String> aliases() {
        return cached("aliases", () -> field(client.get("/aliases"), "name"));
    }

    public List<String> keyIds() {
        return cached("keys", () -> field(client.get("/keys"), "id"));
    }

    public List<String> inviteCodes() {
        return cached("invites", () -> field(client.get("/portal/invites"), "code"));
    }

    public List<String> plugins() {
        return cached("plugins", () -> field(client.get("/plugins"), "id"));
    }

    public List<String> providers() {
        return cached("providers", () -> arrays(client.get("/plugins"), "provider_ids"));
    }

    /** The model names clients can call now: aliases and the channels' models. */
    public List<String> servedModels() {
        return cached("served", () -> {
            TreeSet<String> names = new TreeSet<>(aliases());
            names.addAll(arrays(client.get("/channels"), "models"));
            return List.copyOf(names);
        });
    }

    /** For setting up a channel: the served models, then those only the plugins' catalogues know. */
    public List<String> models() {
        return cached("models", () -> {
            List<String> names = new ArrayList<>(servedModels());
            TreeSet<String> catalogue = new TreeSet<>(arrays(client.get("/plugins"), "known_models"));
            catalogue.removeAll(names);
            names.addAll(catalogue);
            return List.copyOf(names);
        });
    }

    private List<String> cached(String kind, Supplier<List<String>> fetch) {
        long now = System.nanoTime();
        Fetched hit = cache.get(kind);
        if (hit != null && now - hit.atNanos() < TTL.toNanos()) {
            return hit.values();
        }
        List<String> values;
        try {
            values = fetch.get();
        } catch (RuntimeException e) {
            values = List.of();
        }
        cache.put(kind, new Fetched(values, now));
        return values;
    }

    private static List<String> field(JsonNode list, String field) {
        List<String> values = new ArrayList<>();
        list.path("data").forEach(item -> values.add(item.path(field).asText()));
        return List.copyOf(values);
    }

    private static List<String> arrays(JsonNode list, String field) {
        TreeSet<String> values = new TreeSet<>();
        list.path("data").forEach(item -> item.path(field).forEach(v -> values.add(v.asText())));
        return List.copyOf(values);
    }

    private record Fetched(List<String> values, long atNanos) {}
}
