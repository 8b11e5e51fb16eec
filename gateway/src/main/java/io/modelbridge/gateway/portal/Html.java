package io.modelbridge.gateway.portal;

/** HTML escaping: every value that reaches a page goes through {@link #text}. */
final class Html {
    private Html() {}

    static String text(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * A {@link Messages} template as HTML: its text escaped, then each {@code {n}} replaced by {@code parts[n]},
     * markup the page built (and escaped the values of) itself.
     */
    static String fill(String template, String... parts) {
        String html = text(template);
        for (int i = 0; i < parts.length; i++) {
            html = html.replace("{" + i + "}", parts[i]);
        }
        return html;
    }
}
