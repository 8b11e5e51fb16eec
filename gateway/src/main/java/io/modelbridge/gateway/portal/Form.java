package io.modelbridge.gateway.portal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A posted {@code application/x-www-form-urlencoded} form; a field sent twice keeps its first value. */
record Form(Map<String, String> fields) {
    static final int MAX_BYTES = 16 * 1024;

    static Form parse(String body) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            fields.putIfAbsent(name, value);
        }
        return new Form(Map.copyOf(fields));
    }

    /** The first field whose name or value holds a control character (NUL, ESC, ...): no portal field takes one. */
    Optional<String> fieldWithControl() {
        return fields.entrySet().stream().filter(e -> hasControl(e.getKey()) || hasControl(e.getValue()))
                .map(e -> hasControl(e.getKey()) ? "?" : e.getKey()).sorted().findFirst();
    }

    private static boolean hasControl(String text) {
        return text.chars().anyMatch(c -> c < 0x20 || c == 0x7F);
    }

    /** The field's value, stripped; "" when absent. */
    String get(String name) {
        return fields.getOrDefault(name, "").strip();
    }

    /** The field exactly as typed (passwords keep their spaces). */
    String raw(String name) {
        return fields.getOrDefault(name, "");
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) { // a stray '%': keep the text as sent
            return text;
        }
    }
}
