package io.modelbridge.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Copies of JSON objects held in records: insertion order kept, null values allowed (unlike Map.copyOf). */
final class JsonValues {
    private JsonValues() {}

    static Map<String, Object> copy(Map<String, Object> json) {
        return json == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(json));
    }
}
