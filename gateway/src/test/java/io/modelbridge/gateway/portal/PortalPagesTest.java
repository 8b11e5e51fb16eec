package io.modelbridge.gateway.portal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.db.repo.ApiKey;
import io.modelbridge.db.repo.ApiKeyEntry;
import io.modelbridge.db.repo.DailyUsage;
import io.modelbridge.db.repo.UsageRow;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Values that would break out of their place if pasted into HTML as is: each page that shows a user's email, a key's
 * name, a model alias or a secret renders them inert, in element text, in attributes, in URLs (the language
 * switch) and where a script would run (no page has a script element; a value never opens one).
 */
class PortalPagesTest {
    /** Closes an attribute (both quote kinds) and a tag, opens a script and an element with a handler. */
    static final String HOSTILE = "\"'><script>alert(1)</script><img src=x onerror=alert(2)>";
    private static final String TEXT = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;";
    /** An element a value opened, or a link or source a value made a script of. */
    private static final Pattern RAW_MARKUP = Pattern.compile("<script|<img|(href|src)=\"javascript:",
            Pattern.CASE_INSENSITIVE);
    private static final String CSRF = "csrf\"><b>";
    private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void theHomePageShowsAHostileAliasAndEmailAsText() {
        for (Language t : Language.values()) {
            String page = HomePage.render(t, "http://gw.example", List.of(HOSTILE, "javascript:alert(3)"), true,
                    Optional.of(HOSTILE), CSRF);
            inert(page);
            assertTrue(page.contains("<li><code>" + escapedText(HOSTILE) + "</code></li>"), page);
            assertTrue(page.contains("<span class=\"who\">" + escapedText(HOSTILE) + "</span>"), page);
            assertTrue(page.contains("model=" + escapedText("\"" + HOSTILE + "\"")), "in the snippets: " + page);
        }
    }

    @Test
    void theFormPagesShowAHostileEmailInTextAttributesAndLinks() {
        for (Language t : Language.values()) {
            List<String> pages = List.of(AuthPages.confirm(t, CSRF, HOSTILE, HOSTILE, HOSTILE),
                    AuthPages.resetConfirm(t, CSRF, HOSTILE, HOSTILE), AuthPages.signUp(t, CSRF, HOSTILE, true, HOSTILE),
                    AuthPages.logIn(t, CSRF, HOSTILE, HOSTILE, HOSTILE), AuthPages.reset(t, CSRF, HOSTILE, HOSTILE),
                    AuthPages.message(t, HOSTILE, "/", CSRF, HOSTILE));
            for (String page : pages) {
                inert(page);
                assertTrue(page.contains(TEXT), "the value is shown, as text: " + page);
            }
            String confirm = pages.get(0);
            assertTrue(confirm.contains("<strong>" + escapedText(HOSTILE) + "</strong>"), confirm);
            assertTrue(confirm.contains("name=\"email\" value=\"" + escapedAttribute(HOSTILE) + "\""), confirm);
            assertTrue(confirm.contains("href=\"/confirm?email=%22%27%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E"),
                    "the switch's link carries the address URL-encoded: " + confirm);
            assertTrue(confirm.contains("value=\"" + escapedAttribute(CSRF) + "\""), confirm);
        }
    }

    @Test
    void theDashboardShowsHostileKeyNamesAliasesAndErrorCodesAsText() {
        ApiKey active = new ApiKey(7, 1, HOSTILE, true, HOSTILE, HOSTILE, List.of(), List.of(), null, true,
                null, null, null, AT);
        ApiKey revoked = new ApiKey(8, 1, HOSTILE, true, "mb-abc", HOSTILE, List.of(), List.of(), null,
                false, null, null, AT, AT);
        LocalDate day = LocalDate.of(2026, 12, 1);
        UsageRow call = new UsageRow("r1", AT, 1L, 7L, HOSTILE, "c", "openai", "m", false, 1, 2, false,
                BigDecimal.ONE, 5, null, 502, HOSTILE, null, null);
        for (Language t : Language.values()) {
            DashboardPage.View view = new DashboardPage.View(HOSTILE, BigDecimal.TEN,
                    List.of(new ApiKeyEntry(active, true, null), new ApiKeyEntry(revoked, false, AT)),
                    Optional.of(HOSTILE), List.of(day.minusDays(1), day),
                    List.of(new DailyUsage(day, HOSTILE, 3, 40), new DailyUsage(day, null, 1, 0)), List.of(call),
                    "http://gw.example", HOSTILE, HOSTILE);
            String page = DashboardPage.render(t, view, CSRF);
            inert(page);
            for (String shown : Map.of("key name in its rename field", "value=\"" + escapedAttribute(HOSTILE) + "\"",
                    "revoked key's name", "<td>" + escapedText(HOSTILE) + "</td>",
                    "alias in the totals and recent requests", "<td>" + escapedText(HOSTILE) + "</td><td>",
                    "alias in the chart's tooltip", "<title>2026-12-01 " + escapedText(HOSTILE),
                    "new key", "<code id=\"new-key\">" + escapedText(HOSTILE) + "</code>",
                    "error code", "502 " + escapedText(HOSTILE) + "</td>").values()) {
                assertTrue(page.contains(shown), shown + " in " + page);
            }
        }
    }

    /** Nothing a value brought opens an element, a handler, a script or a javascript: link. */
    private static void inert(String page) {
        assertFalse(RAW_MARKUP.matcher(page).find(), page);
        assertFalse(page.contains("\"'>"), "an attribute was closed: " + page);
        assertFalse(page.contains("<b>"), "the CSRF token closed its attribute: " + page);
    }

    /** jte's escaping in element text: quotes cannot end anything there. */
    private static String escapedText(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** jte's escaping in a quoted attribute: {@code >} cannot end anything there. */
    private static String escapedAttribute(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&#34;").replace("'", "&#39;");
    }
}
