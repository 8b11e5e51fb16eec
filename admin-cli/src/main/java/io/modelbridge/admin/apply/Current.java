package io.modelbridge.admin.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.admin.client.AdminClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** What the gateway holds now, read once before planning, keyed the way the file names things. */
record Current(Map<String, JsonNode> users, Map<String, JsonNode> channels, Map<String, JsonNode> aliases,
               Map<String, JsonNode> limits, Map<String, JsonNode> prices, Map<String, JsonNode> keys,
               JsonNode portal) {

    /** The portal's settings are read only when the file has a {@code portal} section. */
    static Current fetch(AdminClient client, boolean portal) {
        return new Current(
                index(client.get("/users"), u -> u.path("name").asText()),
                index(client.get("/channels"), c -> c.path("name").asText()),
                index(client.get("/aliases"), a -> a.path("name").asText()),
                index(client.get("/limits"), l -> limitKey(l.path("scope").asText(), l.path("subject").asText())),
                index(client.get("/prices"), p -> p.path("model").asText()),
                activeKeys(client.get("/keys")),
                portal ? client.get("/portal") : null);
    }

    static String limitKey(String scope, String subject) {
        return scope + ":" + (subject == null ? "" : subject);
    }

    static String keyKey(String user, String label) {
        return user + "/" + label;
    }

    /** Keys that still work, by user and label (the newest wins when labels repeat). */
    private static Map<String, JsonNode> activeKeys(JsonNode list) {
        Map<String, JsonNode> keys = new LinkedHashMap<>();
        list.path("data").forEach(k -> {
            if (!k.path("revoked").asBoolean() && k.path("label").isTextual()) {
                keys.merge(keyKey(k.path("user").asText(), k.path("label").asText()), k,
                        (a, b) -> a.path("id").asLong() > b.path("id").asLong() ? a : b);
            }
        });
        return keys;
    }

    private static Map<String, JsonNode> index(JsonNode list, Function<JsonNode, String> key) {
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        list.path("data").forEach(item -> byKey.put(key.apply(item), item));
        return byKey;
    }
}
