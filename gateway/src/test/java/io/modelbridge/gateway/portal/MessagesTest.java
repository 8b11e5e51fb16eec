package io.modelbridge.gateway.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MessagesTest {
    /** Chinese characters or Chinese (full-width) punctuation. */
    private static final Pattern CHINESE = Pattern.compile("[\\p{IsHan}\u3000-\u303F\uFF00-\uFFEF]");

    @Test
    void acceptLanguageChoosesChineseForAnyZhFirstAmongOurs() {
        for (String zh : List.of("zh", "zh-CN", "zh-Hans", "zh-Hans-CN", "zh-TW", "zh-CN,zh;q=0.9,en;q=0.8",
                "fr, zh;q=0.5", "en;q=0.4, zh-CN;q=0.8")) {
            assertEquals(Messages.ZH, Messages.accepted(Optional.of(zh)), zh);
        }
        for (String en : List.of("", "en", "en-US,en;q=0.9,zh-CN;q=0.8", "fr", "*", "zh;q=0", "not a ;; header")) {
            assertEquals(Messages.EN, Messages.accepted(Optional.of(en)), en);
        }
        assertEquals(Messages.EN, Messages.accepted(Optional.empty()));
    }

    @Test
    void onlyOurLanguageCodesAreTaken() {
        assertEquals(Optional.of(Messages.ZH), Messages.byCode("zh"));
        assertEquals(Optional.of(Messages.EN), Messages.byCode("EN"));
        assertEquals(Optional.empty(), Messages.byCode("fr"));
        assertEquals(Optional.empty(), Messages.byCode(""));
    }

    /** Every text (a method of Messages, in English) has its Chinese in ZH, and none was left in English. */
    @Test
    void everyTextHasItsChinese() throws Exception {
        List<Method> texts = Arrays.stream(Messages.class.getDeclaredMethods())
                .filter(m -> m.getReturnType() == String.class && !Modifier.isStatic(m.getModifiers())).toList();
        assertTrue(texts.size() > 80, "found " + texts.size() + " texts");
        for (Method text : texts) {
            Method chinese = Messages.ZH.getClass().getDeclaredMethod(text.getName(), text.getParameterTypes());
            Object[] args = Arrays.stream(text.getParameterTypes()).map(MessagesTest::sample).toArray();
            String zh = (String) chinese.invoke(Messages.ZH, args);
            String en = (String) text.invoke(Messages.EN, args);
            assertNotEquals(en, zh, text.getName());
            if (!text.getName().equals("tokensUnit")) { // "Token" is the word Chinese developers use
                assertTrue(CHINESE.matcher(zh).find(), text.getName() + ": " + zh);
            }
            long placesEn = en.chars().filter(c -> c == '{').count();
            assertEquals(placesEn, zh.chars().filter(c -> c == '{').count(), text.getName() + ": the {n} places");
        }
    }

    @Test
    void aTemplateIsEscapedAroundItsMarkup() {
        assertEquals("a &lt;b&gt; <i>x</i> &amp; <b>y</b>", Html.fill("a <b> {0} & {1}", "<i>x</i>", "<b>y</b>"));
    }

    private static Object sample(Class<?> type) {
        if (type == String.class) {
            return "x";
        }
        return type == int.class ? (Object) 1 : (Object) 1L; // boxed apart: a plain ?: would widen 1 to long
    }
}
