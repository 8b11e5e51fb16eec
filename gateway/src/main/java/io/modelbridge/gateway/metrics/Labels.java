package io.modelbridge.gateway.metrics;

import io.micrometer.core.instrument.Tags;
import java.util.Arrays;
import java.util.List;

/** Label names of a family, and the values of one series of it (null reads as ""). */
record Labels(List<String> names) {
    Labels {
        names = List.copyOf(names);
    }

    /** The key a series is cached under: one small list per call, as before Micrometer. */
    List<String> key(String... values) {
        if (values.length != names.size()) {
            throw new IllegalArgumentException("expected labels " + names + ", got " + Arrays.toString(values));
        }
        for (String v : values) {
            if (v == null) {
                return Arrays.stream(values).map(x -> x == null ? "" : x).toList();
            }
        }
        return List.of(values);
    }

    /** Micrometer's tags for a key; only when a series is first seen. */
    Tags tags(List<String> values) {
        Tags tags = Tags.empty();
        for (int i = 0; i < names.size(); i++) {
            tags = tags.and(names.get(i), values.get(i));
        }
        return tags;
    }
}
