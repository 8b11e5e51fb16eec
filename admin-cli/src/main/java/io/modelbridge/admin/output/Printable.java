package io.modelbridge.admin.output;

/**
 * Text from the gateway made safe for a terminal: key labels, model and user names come from key holders and
 * portal users, and a control character in them (ESC starts a sequence that can retitle the window, clear the
 * screen or rewrite what was printed) must reach the terminal as visible text, never as a command. Controls
 * (C0, DEL, C1) and the bidirectional overrides that reorder a line become {@code \x1B}/{@code \u202E} escapes.
 */
public final class Printable {
    private Printable() {}

    /** One line: every control character escaped, newlines and tabs included. */
    public static String line(String text) {
        return escape(text, false);
    }

    /** Several lines: newlines kept, every other control character escaped. */
    public static String lines(String text) {
        return escape(text, true);
    }

    private static String escape(String text, boolean keepNewlines) {
        if (text.chars().noneMatch(c -> unsafe(c) && !(keepNewlines && c == '\n'))) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        text.chars().forEach(c -> {
            if (!unsafe(c) || keepNewlines && c == '\n') {
                out.append((char) c);
            } else if (c <= 0xFF) {
                out.append(String.format("\\x%02X", c));
            } else {
                out.append(String.format("\\u%04X", c));
            }
        });
        return out.toString();
    }

    private static boolean unsafe(int c) {
        return c < 0x20 || c >= 0x7F && c <= 0x9F || c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069;
    }
}
