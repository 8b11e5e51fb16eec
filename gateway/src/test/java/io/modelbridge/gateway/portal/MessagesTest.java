package io.modelbridge.gateway.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The portal's two bundles (messages.properties, messages_zh.properties) and the language choice. */
class MessagesTest {
    /** Chinese characters or Chinese (full-width) punctuation. */
    private static final Pattern CHINESE = Pattern.compile("[\\p{IsHan}\u3000-\u303F\uFF00-\uFFEF]");
    /** A text looked up by key, in a template or in the portal's code: {@code t.text("key"}. */
    private static final Pattern USE = Pattern.compile("\\.text\\(\"([A-Za-z0-9]+)\"");

    @Test
    void acceptLanguageChoosesChineseForAnyZhFirstAmongOurs() {
        for (String zh : List.of("zh", "zh-CN", "zh-Hans", "zh-Hans-CN", "zh-TW", "zh-CN,zh;q=0.9,en;q=0.8",
                "fr, zh;q=0.5", "en;q=0.4, zh-CN;q=0.8")) {
            assertEquals(Language.ZH, Language.accepted(Optional.of(zh)), zh);
        }
        for (String en : List.of("", "en", "en-US,en;q=0.9,zh-CN;q=0.8", "fr", "*", "zh;q=0", "not a ;; header")) {
            assertEquals(Language.EN, Language.accepted(Optional.of(en)), en);
        }
        assertEquals(Language.EN, Language.accepted(Optional.empty()));
    }

    @Test
    void onlyOurLanguageCodesAreTaken() {
        assertEquals(Optional.of(Language.ZH), Language.byCode("zh"));
        assertEquals(Optional.of(Language.EN), Language.byCode("EN"));
        assertEquals(Optional.empty(), Language.byCode("fr"));
        assertEquals(Optional.empty(), Language.byCode(""));
    }

    @Test
    void bothBundlesHaveExactlyTheSameKeys() {
        Set<String> en = new TreeSet<>(bundle("messages.properties").stringPropertyNames());
        Set<String> zh = new TreeSet<>(bundle("messages_zh.properties").stringPropertyNames());
        assertTrue(en.size() > 80, "found " + en.size() + " texts");
        assertEquals(en, zh);
    }

    /** Every text has its own Chinese, with the same {n} places; none was left in English. */
    @Test
    void everyTextHasItsChinese() {
        Properties en = bundle("messages.properties");
        for (String key : en.stringPropertyNames()) {
            String english = Language.EN.text(key, "x", "y", "z", "w");
            String chinese = Language.ZH.text(key, "x", "y", "z", "w");
            assertNotEquals(english, chinese, key);
            if (!key.equals("tokensUnit")) { // "Token" is the word Chinese developers use
                assertTrue(CHINESE.matcher(chinese).find(), key + ": " + chinese);
            }
            assertEquals(places(Language.EN.text(key)), places(Language.ZH.text(key)), key + ": the {n} places");
        }
    }

    /** Every key a template or the portal's code asks for is in the bundle, and every text in it is used. */
    @Test
    void everyKeyUsedExistsAndEveryTextIsUsed() throws IOException {
        Set<String> used = new TreeSet<>();
        for (Path dir : List.of(Path.of("src/main/jte"), Path.of("src/main/java/io/modelbridge/gateway/portal"))) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Matcher m = USE.matcher(Files.readString(file));
                    while (m.find()) {
                        used.add(m.group(1));
                    }
                }
            }
        }
        Set<String> keys = new TreeSet<>(bundle("messages.properties").stringPropertyNames());
        assertTrue(used.size() > 80, "found " + used.size() + " uses");
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(keys);
        assertEquals(Set.of(), missing, "used but not in messages.properties");
        Set<String> unused = new TreeSet<>(keys);
        unused.removeAll(used);
        assertEquals(Set.of(), unused, "in messages.properties but used nowhere");
    }

    @Test
    void valuesAreTextNotLocalizedNumbersAndApostrophesStay() {
        assertEquals("max 12345 requests/day", Language.EN.text("chartMax", 12345L, "requests"));
        assertEquals("This account is disabled. Ask the gateway's operator.", Language.EN.text("accountDisabled"));
        assertEquals("Point any OpenAI client at {0} with your ModelBridge key, and switch between vendors by"
                + " changing {1}.", Language.EN.text("heroText"), "a markup place stays for the page");
    }

    @Test
    void aTextIsCutAtItsMarkupPlaces() {
        assertEquals(List.of(new Templates.Part("a <b> ", -1), new Templates.Part("", 0),
                new Templates.Part(" & ", -1), new Templates.Part("", 1), new Templates.Part("", -1)),
                Templates.parts("a <b> {0} & {1}"));
    }

    private static long places(String text) {
        return text.chars().filter(c -> c == '{').count();
    }

    private static Properties bundle(String name) {
        try (InputStream in = Language.class.getResourceAsStream(name)) {
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
