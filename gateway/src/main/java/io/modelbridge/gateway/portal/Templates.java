package io.modelbridge.gateway.portal;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The portal's pages: jte templates (gateway/src/main/jte) compiled into this package at build time, with
 * ContentType Html, so every value is escaped for where it lands (element text, attribute) and nothing is compiled
 * at run time.
 */
final class Templates {
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(null, ContentType.Html,
            Templates.class.getClassLoader(), Templates.class.getPackageName());
    private static final Pattern SLOT = Pattern.compile("\\{([01])}");

    private Templates() {}

    /** The page {@code name}.jte rendered with these parameters (a null value is a null parameter). */
    static String render(String name, Object... namesAndValues) {
        Map<String, Object> params = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            params.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        StringOutput out = new StringOutput();
        ENGINE.render(name + ".jte", params, out);
        return out.toString();
    }

    /** A piece of a text: plain text (slot -1), or the place {@code {slot}} where the page puts its markup. */
    record Part(String text, int slot) {}

    /** A text with {@code {0}}, {@code {1}} cut at those places, for fill.jte to put markup there. */
    static List<Part> parts(String text) {
        List<Part> parts = new ArrayList<>();
        Matcher m = SLOT.matcher(text);
        int at = 0;
        while (m.find()) {
            parts.add(new Part(text.substring(at, m.start()), -1));
            parts.add(new Part("", Integer.parseInt(m.group(1))));
            at = m.end();
        }
        parts.add(new Part(text.substring(at), -1));
        return parts;
    }

    /** The page's own address with {@code ?lang=}: the language switch shows the page again in that language. */
    static String inLanguage(String path, Language language) {
        return path + (path.contains("?") ? "&" : "?") + Cookies.LANG + "=" + language.code;
    }
}
