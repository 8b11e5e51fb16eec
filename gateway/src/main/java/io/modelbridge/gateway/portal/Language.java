package io.modelbridge.gateway.portal;

import java.text.MessageFormat;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.ResourceBundle;

/**
 * The portal's languages. Their texts are in the resource bundle {@code messages} next to this class (English, the
 * base, and {@code _zh}, Simplified Chinese), as MessageFormat patterns; values are passed as text, so a number is
 * never grouped or localized.
 */
enum Language {
    EN("en", "en", "English", Locale.ROOT),
    ZH("zh", "zh-CN", "中文", Locale.CHINESE);

    static final String BUNDLE = "io.modelbridge.gateway.portal.messages";

    /** The value of the {@code lang} cookie and query parameter. */
    final String code;
    /** The page's {@code <html lang>}. */
    final String htmlLang;
    /** The language's name in itself, for the language switch. */
    final String selfName;
    private final ResourceBundle texts;

    Language(String code, String htmlLang, String selfName, Locale locale) {
        this.code = code;
        this.htmlLang = htmlLang;
        this.selfName = selfName;
        // no fallback to the JVM's default locale: English is the base bundle, whatever the machine speaks
        this.texts = ResourceBundle.getBundle(BUNDLE, locale,
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    }

    /** The text {@code key} with its values in place; a {@code {n}} without a value stays for the page's markup. */
    String text(String key, Object... values) {
        Object[] asText = Arrays.stream(values).map(String::valueOf).toArray();
        return new MessageFormat(texts.getString(key), Locale.ROOT).format(asText);
    }

    /** The language a {@code lang} cookie or {@code ?lang=} names, if it is one of ours. */
    static Optional<Language> byCode(String code) {
        return Arrays.stream(values()).filter(l -> l.code.equalsIgnoreCase(code.strip())).findFirst();
    }

    /**
     * The first of our languages in an {@code Accept-Language} header, by its weights: any {@code zh} (zh-CN,
     * zh-Hans, zh-TW...) is Chinese; English when the header is missing, malformed or names neither.
     */
    static Language accepted(Optional<String> header) {
        try {
            for (Locale.LanguageRange range : Locale.LanguageRange.parse(header.orElse(""))) {
                String primary = range.getRange().split("-", 2)[0];
                if (range.getWeight() > 0 && (primary.equals("zh") || primary.equals("en"))) {
                    return primary.equals("zh") ? ZH : EN;
                }
            }
        } catch (IllegalArgumentException e) {
            // a malformed header: English, as without one
        }
        return EN;
    }
}
