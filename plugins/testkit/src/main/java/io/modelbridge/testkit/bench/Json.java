package io.modelbridge.testkit.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A small pretty-printing JSON writer for the result file (maps keep their order). */
final class Json {
    private Json() {}

    /** An ordered object from alternating keys and values. */
    static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, "");
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, Object v, String indent) {
        switch (v) {
            case null -> sb.append("null");
            case Map<?, ?> map -> object(sb, map, indent);
            case List<?> list -> array(sb, list, indent);
            case String s -> string(sb, s);
            case Double d -> sb.append(d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.3f", d));
            case Float f -> write(sb, f.doubleValue(), indent);
            case Number n -> sb.append(n);
            case Boolean b -> sb.append(b);
            default -> string(sb, v.toString());
        }
    }

    private static void object(StringBuilder sb, Map<?, ?> map, String indent) {
        if (map.isEmpty()) {
            sb.append("{}");
            return;
        }
        String inner = indent + "  ";
        sb.append("{\n");
        int i = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            sb.append(inner);
            string(sb, e.getKey().toString());
            sb.append(": ");
            write(sb, e.getValue(), inner);
            sb.append(++i < map.size() ? ",\n" : "\n");
        }
        sb.append(indent).append('}');
    }

    private static void array(StringBuilder sb, List<?> list, String indent) {
        boolean flat = list.stream().allMatch(x -> x instanceof Number);
        if (flat || list.isEmpty()) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                write(sb, list.get(i), indent);
                sb.append(i + 1 < list.size() ? ", " : "");
            }
            sb.append(']');
            return;
        }
        String inner = indent + "  ";
        sb.append("[\n");
        for (int i = 0; i < list.size(); i++) {
            sb.append(inner);
            write(sb, list.get(i), inner);
            sb.append(i + 1 < list.size() ? ",\n" : "\n");
        }
        sb.append(indent).append(']');
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
