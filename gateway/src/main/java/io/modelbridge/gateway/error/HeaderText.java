package io.modelbridge.gateway.error;

import java.nio.charset.StandardCharsets;

/**
 * Text that goes into a response header of the public listener, which does not validate headers itself (Helidon's
 * check is off there: docs/security.md, "Response headers"). Names must be RFC 9110 tokens; a value keeps its
 * visible ASCII and inner spaces, and anything else (CR, LF, NUL and every other control character, DEL,
 * non-ASCII, a space at either end) is percent-encoded as UTF-8, with {@code %} itself, so no value can end a
 * header line or start another.
 */
public final class HeaderText {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private HeaderText() {}

    /** {@code value} unchanged when every character may stand in a header value, else percent-encoded. */
    public static String value(String value) {
        int last = value.length() - 1;
        for (int i = 0; i <= last; i++) {
            if (!plain(value.charAt(i), i == 0 || i == last)) {
                return encoded(value);
            }
        }
        return value;
    }

    /** {@code name} when it is a token, the only names a header line can carry. */
    public static String name(String name) {
        if (name.isEmpty() || !name.chars().allMatch(HeaderText::tokenChar)) {
            throw new IllegalArgumentException("not a header name: '" + value(name) + "'");
        }
        return name;
    }

    private static boolean plain(char c, boolean atAnEnd) {
        return c > ' ' && c < 0x7f || c == ' ' && !atAnEnd;
    }

    private static String encoded(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        int last = value.length() - 1;
        for (int i = 0; i <= last; i++) {
            char c = value.charAt(i);
            if (plain(c, i == 0 || i == last) && c != '%') {
                out.append(c);
                continue;
            }
            int end = Character.isHighSurrogate(c) && i < last ? i + 2 : i + 1;
            for (byte b : value.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
            i = end - 1;
        }
        return out.toString();
    }

    /** RFC 9110 tchar: ALPHA, DIGIT and {@code !#$%&'*+-.^_`|~}. */
    private static boolean tokenChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
