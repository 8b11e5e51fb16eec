package io.modelbridge.gateway.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.gateway.config.PortalConfig;
import io.modelbridge.gateway.it.RawHttp;
import io.modelbridge.gateway.it.RunningGateway;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an unauthenticated visitor can send the portal: a forged Host header, addresses that a lax parser reads as
 * two recipients or a comment, and control characters in form fields. Mail is read from a real SMTP server.
 */
class PortalHostileInputIT {
    private static final String TOKEN = "t".repeat(43);
    @TempDir
    static Path dataDir;
    static PortalSetup setup;

    @BeforeAll
    static void start() {
        setup = new PortalSetup(dataDir);
    }

    @AfterAll
    static void stop() {
        setup.close();
    }

    @Test
    void mailedLinksComeFromThePublicUrlWhateverTheHostHeaderSays() {
        setup.signUpAndConfirm(setup.browser(), "victim@example.com");
        RawHttp.Reply reply = postForm(setup.api(), "evil.example", "/reset", "email=victim%40example.com");
        assertEquals(303, reply.status(), reply.body());
        String mail = Mailbox.text(setup.mail.await("victim@example.com", 2));
        assertTrue(mail.contains(PortalSetup.PUBLIC_URL + "/reset/confirm?email=victim%40example.com"), mail);
        assertFalse(mail.contains("evil.example"), mail);
    }

    @Test
    void withoutAPublicUrlThePortalSendsNoMailAndSaysWhyAtStart(@TempDir Path otherDir) {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                warnings.add(r.getMessage());
            }

            @Override
            public void flush() { }

            @Override
            public void close() { }
        };
        Logger portalLog = Logger.getLogger(Portal.class.getName());
        portalLog.addHandler(capture);
        try (Mailbox mail = new Mailbox();
             RunningGateway noUrl = RunningGateway.start(otherDir,
                     c -> c.withPortal(PortalConfig.defaults().withSmtp(mail.settings())))) {
            for (String path : List.of("/signup", "/reset")) {
                RawHttp.Reply reply = postForm(noUrl.api(), "evil.example", path,
                        "email=target%40example.com&password=correct+horse+battery");
                assertEquals(503, reply.status(), path + ": " + reply.body());
                assertTrue(reply.body().contains("MB_PUBLIC_URL"), reply.body());
            }
            assertTrue(mail.to("target@example.com").isEmpty(), "nothing was mailed");
            assertTrue(warnings.stream().anyMatch(w -> w.contains("MB_PUBLIC_URL is not")), warnings.toString());
        } finally {
            portalLog.removeHandler(capture);
        }
    }

    @Test
    void anAddressThatReadsAsTwoRecipientsOrAsACommentIsRefusedAndNothingIsMailed() {
        PortalClient browser = setup.browser();
        for (String email : List.of("a,attacker@example.com", "x(y)@example.com", "<attacker@example.com>",
                "v@example.com, attacker@example.com", "\"a b\"@example.com", "x@example.com (attacker@example.com)")) {
            for (String path : List.of("/signup", "/reset", "/confirm/resend")) {
                HttpResponse<String> refused = browser.post(path, Map.of("email", email,
                        "password", PortalSetup.PASSWORD));
                assertEquals(400, refused.statusCode(), path + " " + email + ": " + refused.body());
                assertTrue(refused.body().contains("Enter a valid email address."), refused.body());
            }
        }
        // mail goes out in order from one queue: once the sentinel's has arrived, any earlier one would have too
        assertEquals(303, browser.post("/signup", Map.of("email", "sentinel@example.com",
                "password", PortalSetup.PASSWORD)).statusCode());
        setup.mail.await("sentinel@example.com", 1);
        for (String recipient : List.of("attacker@example.com", "a", "x@example.com", "x", "v@example.com")) {
            assertEquals(0, setup.mail.to(recipient).size(), "mailed to " + recipient);
        }
    }

    @Test
    void aControlCharacterInAnyPortalFieldIsA400NamingTheField() {
        PortalClient browser = setup.browser();
        setup.signUpAndConfirm(browser, "nul@example.com");
        Map<String, Map<String, String>> posts = Map.of(
                "/login", Map.of("email", "nul@example.com", "password", "pass\u0000word"),
                "/confirm", Map.of("email", "nul@example.com", "code", "12\u00003456"),
                "/signup", Map.of("email", "nul2@example.com", "password", PortalSetup.PASSWORD, "invite", "\u001b[2J"),
                "/dashboard/keys", Map.of("label", "lap\u0000top"));
        posts.forEach((path, form) -> {
            HttpResponse<String> refused = browser.post(path, form);
            String field = form.entrySet().stream().filter(e -> e.getValue().chars().anyMatch(c -> c < 0x20))
                    .findFirst().orElseThrow().getKey();
            assertEquals(400, refused.statusCode(), path + ": " + refused.body());
            assertTrue(refused.body().contains("The field " + field + " holds a control character"), refused.body());
        });
        assertEquals(200, browser.get("/dashboard").statusCode(), "still signed in and working");
    }

    /** Over HTTP, as PortalPagesTest renders them: a key named to break out, and an address in ?email=. */
    @Test
    void aHostileKeyNameAndAddressAreShownAsInertText() {
        PortalClient browser = setup.browser();
        setup.signUpAndConfirm(browser, "inert@example.com");
        String hostile = PortalPagesTest.HOSTILE;
        HttpResponse<String> created = PortalSetup.followToDashboard(browser,
                browser.post("/dashboard/keys", Map.of("label", hostile)));
        PortalSetup.newKey(created.body());
        String attribute = "value=\"&#34;&#39;>&lt;script>alert(1)&lt;/script>&lt;img src=x onerror=alert(2)>\"";
        assertTrue(created.body().contains(attribute), created.body());
        String id = created.body().replaceAll("(?s).*<tr data-key=\"(\\d+)\"><td><code>[^<]*</code></td><td><form"
                + "[^>]*><input[^>]*><input name=\"label\" maxlength=\"100\" " + java.util.regex.Pattern.quote(attribute)
                + ".*", "$1");
        assertEquals(303, browser.post("/dashboard/keys/" + id + "/revoke", Map.of()).statusCode());
        String revoked = browser.get("/dashboard").body();
        assertTrue(revoked.contains("<td>\"'&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
                + "</td>"), "a revoked key's name is element text: " + revoked);
        String confirm = browser.get("/confirm?email=" + java.net.URLEncoder.encode(hostile, StandardCharsets.UTF_8))
                .body();
        assertTrue(confirm.contains("<strong>\"'&gt;&lt;script&gt;"), confirm);
        assertTrue(confirm.contains("href=\"/confirm?email=%22%27%3E%3Cscript%3E"), confirm);
        for (String page : List.of(created.body(), revoked, confirm)) {
            assertFalse(page.contains("<script") || page.contains("<img"), page);
        }
    }

    /** Base forms of every portal POST route; each field in turn gets each hostile value. */
    private static final Map<String, String> FORMS = new java.util.LinkedHashMap<>();
    static {
        FORMS.put("/signup", "email=fz%40example.com&password=correct+horse+battery&invite=");
        FORMS.put("/confirm", "email=fz%40example.com&code=123456");
        FORMS.put("/confirm/resend", "email=fz%40example.com");
        FORMS.put("/login", "email=fz%40example.com&password=correct+horse+battery");
        FORMS.put("/reset", "email=fz%40example.com");
        FORMS.put("/reset/confirm", "email=fz%40example.com&code=123456&password=correct+horse+battery");
        FORMS.put("/dashboard/keys", "label=k");
        FORMS.put("/dashboard/keys/1/label", "label=k");
        FORMS.put("/dashboard/keys/1/revoke", "x=y");
        FORMS.put("/logout", "x=y");
    }

    private static final List<String> HOSTILE_FORM_VALUES = List.of("%00", "a%00b", "%1B%5B2J", "%1B%5D0%3Bx%07",
            "%7F", "%0D%0A", "x".repeat(17 * 1024), "%", "%zz", "%ED%A0%80", "%FF%FE", "%F0%9F%98%80", "%E2%80%AE",
            "-1", "1e999999999", "99999999999999999999", "a%40b%2Cc%40d.com", "x(y)%40example.com", "", "%20");

    @Test
    void noHostileValueInAnyPortalFieldOrQueryGetsA5xx() {
        PortalClient browser = setup.browser();
        setup.signUpAndConfirm(browser, "fuzzer@example.com");
        String session = "; mb_session=" + browser.cookie("mb_session").orElseThrow();
        List<String> failures = new ArrayList<>();
        int[] count = {0};
        FORMS.forEach((path, form) -> {
            for (String field : form.split("&")) {
                String name = field.substring(0, field.indexOf('='));
                for (String value : HOSTILE_FORM_VALUES) {
                    String hostile = form.replace(field, name + "=" + value);
                    LoopbackClient.Reply reply = LoopbackClient.postForm(next(count), setup.api(), path, hostile,
                            session);
                    boolean control = value.matches(".*%(0[0-9A-F]|1[0-9A-F]|7F).*");
                    if (reply.status() >= 500 || reply.status() < 0 || control && reply.status() != 400) {
                        failures.add("POST " + path + " " + abbreviated(hostile) + " -> " + reply.status());
                    }
                }
            }
        });
        for (String page : List.of("/", "/signup", "/login", "/reset", "/confirm", "/reset/confirm", "/dashboard")) {
            for (String query : List.of("email", "lang")) {
                for (String value : HOSTILE_FORM_VALUES) {
                    LoopbackClient.Reply reply = LoopbackClient.exchange(next(count), setup.api(), "GET " + page + "?"
                            + query + "=" + value + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: x=y" + session,
                            new byte[0]);
                    if (reply.status() >= 500 || reply.status() < 0) {
                        failures.add("GET " + page + "?" + query + "=" + abbreviated(value) + " -> " + reply.status());
                    }
                }
            }
        }
        System.out.println("Portal fuzz: " + count[0] + " requests, " + failures.size() + " failures");
        assertTrue(failures.isEmpty(), failures.size() + " of " + count[0] + ": " + String.join("\n", failures));
    }

    /** A loopback address of its own for each request, so no attempt budget answers 429 instead. */
    private static String next(int[] count) {
        int n = count[0]++;
        return "127.0." + (2 + n / 250) + "." + (1 + n % 250);
    }

    private static String abbreviated(String text) {
        return text.length() <= 120 ? text : text.substring(0, 110) + "…(" + text.length() + ")";
    }

    /** A form post as a client with its own Host header sends it; the CSRF cookie and field match. */
    private static RawHttp.Reply postForm(URI server, String host, String path, String form) {
        byte[] body = (form + "&csrf=" + TOKEN).getBytes(StandardCharsets.UTF_8);
        return RawHttp.exchange(server, "POST " + path + " HTTP/1.1\r\nHost: " + host
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nCookie: mb_csrf=" + TOKEN
                + "\r\nConnection: close\r\nContent-Length: " + body.length, body);
    }
}
