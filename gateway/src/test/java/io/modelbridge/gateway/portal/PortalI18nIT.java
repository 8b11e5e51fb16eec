package io.modelbridge.gateway.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The portal in Chinese: chosen by Accept-Language or the language switch, in pages, refusals and mails. */
class PortalI18nIT {
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
    void aChineseBrowserGetsTheHomeAndSignUpPagesInChinese() {
        PortalClient browser = setup.browser("zh-CN,zh;q=0.9,en;q=0.8");
        HttpResponse<String> home = browser.get("/");
        assertEquals(200, home.statusCode());
        assertTrue(home.body().contains("<html lang=\"zh-CN\">"), home.body());
        assertTrue(home.body().contains("用邮箱注册"));
        assertTrue(home.body().contains("<code>chat</code>"), "the models and code stay as they are");
        HttpResponse<String> signUp = browser.get("/signup");
        assertTrue(signUp.body().contains("<html lang=\"zh-CN\">"));
        assertTrue(signUp.body().contains("<label for=\"email\">邮箱</label>"), signUp.body());
        assertTrue(signUp.body().contains("<button type=\"submit\" id=\"signup\">注册</button>"));
        assertTrue(browser.cookie(Cookies.LANG).isEmpty(), "the header alone sets no cookie");
        assertTrue(setup.browser("zh-Hans").get("/login").body().contains("忘记密码"));
    }

    @Test
    void otherBrowsersGetEnglish() {
        for (String accepted : new String[] {"en-US,en;q=0.9,zh-CN;q=0.8", "fr-FR", "de, *;q=0.5"}) {
            String page = setup.browser(accepted).get("/").body();
            assertTrue(page.contains("<html lang=\"en\">"), accepted);
            assertTrue(page.contains("Sign up with your email"), accepted);
        }
    }

    @Test
    void theLanguageSwitchSetsACookieThatSticks() {
        PortalClient browser = setup.browser();
        HttpResponse<String> switched = browser.get("/login?lang=zh");
        assertTrue(switched.body().contains("<html lang=\"zh-CN\">"));
        String cookie = switched.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("lang="))
                .findFirst().orElseThrow();
        assertTrue(cookie.startsWith("lang=zh;") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax")
                && cookie.contains("Path=/"), cookie);
        assertTrue(browser.get("/signup").body().contains("<html lang=\"zh-CN\">"), "no header: the cookie decides");

        PortalClient chinese = setup.browser("zh-CN");
        assertTrue(chinese.get("/?lang=en").body().contains("<html lang=\"en\">"));
        assertTrue(chinese.get("/").body().contains("<html lang=\"en\">"), "the cookie wins over the header");
    }

    @Test
    void theSwitchShowsTheSamePageForTheSameAddress() {
        String page = setup.browser().get("/confirm?email=li%40example.com").body();
        assertTrue(page.contains("href=\"/confirm?email=li%40example.com&amp;lang=zh\""), page);
        assertTrue(page.contains("href=\"/confirm?email=li%40example.com&amp;lang=en\""));
    }

    @Test
    void aChineseSignUpGetsAChineseMailAndChineseRefusals() {
        PortalClient browser = setup.browser("zh-CN");
        String email = "wang@example.com";
        HttpResponse<String> tooShort = browser.post("/signup", Map.of("email", email, "password", "short"));
        assertEquals(400, tooShort.statusCode());
        assertTrue(tooShort.body().contains("密码至少需要 10 个字符"), tooShort.body());
        assertEquals(303, browser.post("/signup", Map.of("email", email, "password", PortalSetup.PASSWORD))
                .statusCode());
        MimeMessage mail = setup.mail.await(email, 1);
        assertEquals("您的 ModelBridge 注册验证码", Mailbox.subject(mail));
        assertTrue(Mailbox.text(mail).contains("分钟内打开 " + PortalSetup.PUBLIC_URL
                + "/confirm?email=wang%40example.com"), Mailbox.text(mail));
        String code = setup.mail.code(email, 1);

        HttpResponse<String> wrong = browser.post("/confirm", Map.of("email", email,
                "code", code.equals("000000") ? "000001" : "000000"));
        assertEquals(400, wrong.statusCode());
        assertTrue(wrong.body().contains("验证码不正确"), wrong.body());

        HttpResponse<String> dashboard = PortalSetup.followToDashboard(browser,
                browser.post("/confirm", Map.of("email", email, "code", code)));
        assertEquals(200, dashboard.statusCode());
        PortalSetup.newKey(dashboard.body());
        for (String expected : new String[] {"邮箱已验证", "剩余额度", "API 密钥", "最近请求", "退出登录"}) {
            assertTrue(dashboard.body().contains(expected), expected + " missing from the dashboard");
        }
        assertFalse(dashboard.body().contains("Remaining"));
    }

    @Test
    void aMailIsInTheLanguageOfTheRequestThatSentIt() {
        String email = "zhao@example.com";
        setup.signUpAndConfirm(setup.browser(), email);
        assertTrue(Mailbox.subject(setup.mail.await(email, 1)).startsWith("Your ModelBridge"));
        assertEquals(303, setup.browser("zh").post("/reset", Map.of("email", email)).statusCode());
        MimeMessage reset = setup.mail.await(email, 2);
        assertEquals("您的 ModelBridge 密码重置验证码", Mailbox.subject(reset));
        assertTrue(Mailbox.text(reset).contains("设置新密码"));
        setup.mail.code(email, 2);
    }
}
