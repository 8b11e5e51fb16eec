package io.modelbridge.testkit;

import java.util.List;
import java.util.stream.Collectors;

/** Token counts a hostile upstream may report; a plugin must refuse each as a protocol failure, never narrow it. */
public final class HostileTokenCounts {
    private HostileTokenCounts() {}

    /**
     * Raw JSON values: 2^32+5 (which {@code asInt()} reads as 5), 1e30, -1, a fraction (read as 12) and a string
     * (read as 12). For {@code @MethodSource("io.modelbridge.testkit.HostileTokenCounts#values")}.
     */
    public static List<String> values() {
        return List.of("4294967301", "1e30", "-1", "12.5", "\"12\"");
    }

    /** A usage object whose {@code fields} are all 1 but {@code hostile}, which is the raw JSON {@code count}. */
    public static String usage(List<String> fields, String hostile, String count) {
        return fields.stream().map(f -> "\"" + f + "\":" + (f.equals(hostile) ? count : "1"))
                .collect(Collectors.joining(",", "{", "}"));
    }
}
