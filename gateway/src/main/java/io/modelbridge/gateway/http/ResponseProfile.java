package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which fields of an answer a key's client gets. {@link #FULL}: everything the upstream sent. {@link #CLASSIC}: only
 * the 2023 chat-completion fields, for strict clients that fail on a field they do not know (chatgpt-java 1.0.14's
 * Jackson with FAIL_ON_UNKNOWN_PROPERTIES), whatever the upstream sends.
 */
public enum ResponseProfile {
    FULL,
    CLASSIC;

    private static final Set<String> ROOT = Set.of("id", "object", "created", "model", "choices", "usage");
    private static final Set<String> CHOICE = Set.of("index", "message", "delta", "finish_reason");
    private static final Set<String> MESSAGE = Set.of("role", "content", "tool_calls", "function_call");
    private static final Set<String> USAGE = Set.of("prompt_tokens", "completion_tokens", "total_tokens");

    /** The name in settings and the admin API: {@code full} or {@code classic}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The profile named {@code name} (any case), or empty for anything else. */
    public static Optional<ResponseProfile> parse(String name) {
        for (ResponseProfile profile : values()) {
            if (profile.wireName().equalsIgnoreCase(name == null ? "" : name.strip())) {
                return Optional.of(profile);
            }
        }
        return Optional.empty();
    }

    /** The objects of an answer or stream chunk whose fields a profile limits. */
    enum Level { ROOT, CHOICE, MESSAGE, USAGE }

    /** Whether a field named {@code field} of an object at {@code level} is written under this profile. */
    boolean keeps(Level level, String field) {
        if (this == FULL) {
            return true;
        }
        return switch (level) {
            case ROOT -> ROOT.contains(field);
            case CHOICE -> CHOICE.contains(field);
            case MESSAGE -> MESSAGE.contains(field);
            case USAGE -> USAGE.contains(field);
        };
    }

    /** The answer or stream chunk {@code root} limited to this profile's fields, in place. */
    ObjectNode limit(ObjectNode root) {
        if (this == FULL) {
            return root;
        }
        root.retain(ROOT);
        for (JsonNode choice : root.path("choices")) {
            ((ObjectNode) choice).retain(CHOICE);
            for (String part : new String[] {"message", "delta"}) {
                if (choice.get(part) instanceof ObjectNode message) {
                    message.retain(MESSAGE);
                }
            }
        }
        if (root.get("usage") instanceof ObjectNode usage) {
            usage.retain(USAGE);
        }
        return root;
    }
}
