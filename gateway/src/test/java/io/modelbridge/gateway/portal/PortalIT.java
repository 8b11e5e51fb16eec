package io.modelbridge.gateway.portal;

import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.testkit.deepseek.DeepSeekSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The portal over real HTTP: sign-up by mailed code, the dashboard's keys, and every refusal the issue names. */
class PortalIT {
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
    void theHomePageListsTheAliasesAndSnippetsWithThePublicUrl() {
        HttpResponse<String> home = setup.browser().get("/");
        assertEquals(200, home.statusCode());
        assertTrue(home.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        String base = PortalSetup.PUBLIC_URL + "/v1";
        // in element text a quote needs no escaping (jte writes it as is; the hand-made escaping wrote &quot;)
        for (String expected : List.of("<code>chat</code>", "base_url=\"" + base, "openai.api_base = \"" + base,
                "curl " + base + "/chat/completions", "baseURL: \"" + base, ".baseUrl(\"" + base)) {
            assertTrue(home.body().contains(expected), expected + " missing from the home page");
        }
    }

    @Test
    void aConfirmedSignUpLandsOnTheDashboardWithAWorkingFirstKey() throws Exception {
        PortalClient browser = setup.browser();
        HttpResponse<String> dashboard = setup.signUpAndConfirm(browser, "dana@example.com");
        assertEquals(200, dashboard.statusCode());
        String key = PortalSetup.newKey(dashboard.body());
        assertTrue(browser.cookie("mb_session").isPresent());
        assertEquals(200, chat(key).statusCode());
        HttpResponse<String> again = browser.get("/dashboard");
        assertEquals(200, again.statusCode());
        assertFalse(again.body().contains(key), "the secret is shown once only: reloading the page does not show it");
        String listed = eventually(() -> browser.get("/dashboard").body(), page -> page.contains("id=\"recent\""));
        assertTrue(listed.contains("<td>chat</td>"), "the call is listed among recent requests");
        assertTrue(listed.contains("<td>1</td>"), "one request of chat in the 30-day totals");
    }

    @Test
    void recentRequestsShowCachedPromptAndReasoningTokens() throws Exception {
        try (DeepSeekSimulator deepseek = DeepSeekSimulator.start()) {
            deepseek.cacheHits(true); // half of every prompt is a cache hit
            var channel = JSON.createObjectNode().put("name", "ds-sim").put("provider", "deepseek")
                    .put("credential", deepseek.apiKey()).put("base_url", deepseek.baseUri().toString());
            channel.putArray("models").add("deepseek-reasoner");
            setup.gateway.admin("POST", "/channels", channel);
            var alias = JSON.createObjectNode();
            alias.putArray("targets").addObject().put("channel", "ds-sim").put("model", "deepseek-reasoner");
            setup.gateway.admin("PUT", "/aliases/think", alias);
            PortalClient browser = setup.browser();
            String key = PortalSetup.newKey(setup.signUpAndConfirm(browser, "theo@example.com").body());
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            setup.api().resolve("/v1/chat/completions"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"think\",\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"one two three four five six\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            int reasoning = JSON.readTree(answer.body()).at("/usage/completion_tokens_details/reasoning_tokens").asInt();
            int total = JSON.readTree(answer.body()).at("/usage/total_tokens").asInt();
            assertTrue(reasoning > 0, answer.body());
            String listed = eventually(() -> browser.get("/dashboard").body(), page -> page.contains("<td>think</td>"));
            assertTrue(listed.contains("<td>" + total + " (3 cached, " + reasoning + " reasoning)</td>"), listed);
            int table = listed.indexOf("id=\"usage-totals\"");
            String totals = listed.substring(table, listed.indexOf("</table>", table));
            assertTrue(totals.contains("<td>think</td><td>1</td><td>" + total + " (3 cached, " + reasoning
                    + " reasoning)</td>"), "the per-model totals show them too: " + totals);
        }
    }

    @Test
    void sessionAndCsrfCookiesAreHttpOnlyAndSameSite() {
        PortalClient browser = setup.browser();
        HttpResponse<String> page = browser.get("/signup");
        String csrf = page.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("mb_csrf="))
                .findFirst().orElseThrow();
        assertTrue(csrf.contains("HttpOnly") && csrf.contains("SameSite=Strict"), csrf);
        browser.post("/signup", Map.of("email", "erin@example.com", "password", PortalSetup.PASSWORD));
        HttpResponse<String> confirmed = browser.post("/confirm", Map.of("email", "erin@example.com",
                "code", setup.mail.code("erin@example.com", 1)));
        String session = confirmed.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("mb_session="))
                .findFirst().orElseThrow();
        assertTrue(session.contains("HttpOnly") && session.contains("SameSite=Lax"), session);
        String handOver = confirmed.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("mb_new_key="))
                .findFirst().orElseThrow();
        assertTrue(handOver.contains("HttpOnly") && handOver.contains("Path=/dashboard")
                && handOver.contains("SameSite=Strict"), handOver);
        PortalSetup.newKey(PortalSetup.followToDashboard(browser, confirmed).body());
    }

    @Test
    void aWrongCodeIsRefused() {
        PortalClient browser = setup.browser();
        browser.post("/signup", Map.of("email", "wrong@example.com", "password", PortalSetup.PASSWORD));
        String code = setup.mail.code("wrong@example.com", 1);
        String wrong = code.equals("000000") ? "000001" : "000000";
        HttpResponse<String> refused = browser.post("/confirm", Map.of("email", "wrong@example.com", "code", wrong));
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("That code is not right"));
        assertTrue(browser.cookie("mb_session").isEmpty());
    }

    @Test
    void anExpiredCodeIsRefused() throws Exception {
        PortalClient browser = setup.browser();
        browser.post("/signup", Map.of("email", "late@example.com", "password", PortalSetup.PASSWORD));
        String code = setup.mail.code("late@example.com", 1);
        try (var c = java.sql.DriverManager.getConnection(setup.gateway.gateway().jdbcUrl(),
                setup.gateway.gateway().dbUser(), setup.gateway.gateway().dbPassword());
             var s = c.prepareStatement("update portal_codes set expires_at = now() - interval '1 second' where"
                     + " account_id = (select id from portal_accounts where email = ?)")) {
            s.setString(1, "late@example.com"); // as if the 15 minutes had passed
            assertEquals(1, s.executeUpdate());
        }
        HttpResponse<String> refused = browser.post("/confirm", Map.of("email", "late@example.com", "code", code));
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("That code has expired"));
    }

    @Test
    void aUsedCodeIsRefused() {
        PortalClient browser = setup.browser();
        PortalSetup.newKey(setup.signUpAndConfirm(browser, "twice@example.com").body());
        String code = setup.mail.code("twice@example.com", 1);
        HttpResponse<String> again = setup.browser().post("/confirm",
                Map.of("email", "twice@example.com", "code", code));
        assertEquals(400, again.statusCode());
        assertTrue(again.body().contains("That code was already used"));
    }

    @Test
    void aPostWithoutTheCsrfTokenIsRefused() {
        PortalClient browser = setup.browser();
        browser.get("/signup");
        Map<String, String> form = Map.of("email", "forged@example.com", "password", PortalSetup.PASSWORD);
        HttpResponse<String> missing = browser.postRaw("/signup", form, Map.of());
        assertEquals(403, missing.statusCode());
        HttpResponse<String> wrong = browser.postRaw("/signup", Map.of("email", "forged@example.com",
                "password", PortalSetup.PASSWORD, "csrf", "not-the-token"), Map.of());
        assertEquals(403, wrong.statusCode());
        Map<String, String> withToken = Map.of("email", "forged@example.com", "password", PortalSetup.PASSWORD,
                "csrf", browser.cookie("mb_csrf").orElseThrow());
        assertEquals(403, browser.postRaw("/signup", withToken, Map.of("Origin", "http://evil.example")).statusCode());
        assertTrue(setup.mail.to("forged@example.com").isEmpty(), "no refused post sent mail");
    }

    @Test
    void signUpLoginAndResetDoNotTellWhetherAnAddressHasAnAccount() {
        setup.signUpAndConfirm(setup.browser(), "known@example.com");
        PortalClient browser = setup.browser();
        HttpResponse<String> known = browser.post("/signup", Map.of("email", "known@example.com",
                "password", "another password 1"));
        HttpResponse<String> fresh = browser.post("/signup", Map.of("email", "fresh@example.com",
                "password", "another password 1"));
        assertEquals(303, known.statusCode());
        assertEquals(303, fresh.statusCode());
        assertTrue(Mailbox.subject(setup.mail.await("known@example.com", 2)).contains("sign-up"),
                "the owner is told by mail that the address has an account");
        HttpResponse<String> wrongPassword = browser.post("/login", Map.of("email", "known@example.com",
                "password", "not the password"));
        HttpResponse<String> noAccount = browser.post("/login", Map.of("email", "nobody@example.com",
                "password", "not the password"));
        assertEquals(401, wrongPassword.statusCode());
        assertEquals(wrongPassword.body().replace("known@", "X@"), noAccount.body().replace("nobody@", "X@"));
        HttpResponse<String> resetKnown = browser.post("/reset", Map.of("email", "known@example.com"));
        HttpResponse<String> resetNobody = browser.post("/reset", Map.of("email", "nobody@example.com"));
        assertEquals(303, resetKnown.statusCode());
        assertEquals(303, resetNobody.statusCode());
        assertTrue(setup.mail.to("nobody@example.com").isEmpty());
    }

    @Test
    void aForgottenPasswordIsResetByMailedCodeAndOldSessionsEnd() {
        PortalClient old = setup.browser();
        setup.signUpAndConfirm(old, "forgetful@example.com");
        assertEquals(200, old.get("/dashboard").statusCode());
        PortalClient browser = setup.browser();
        assertEquals(303, browser.post("/reset", Map.of("email", "forgetful@example.com")).statusCode());
        String code = setup.mail.code("forgetful@example.com", 2);
        String newPassword = "a brand new password";
        HttpResponse<String> reset = browser.post("/reset/confirm", Map.of("email", "forgetful@example.com",
                "code", code, "password", newPassword));
        assertEquals(303, reset.statusCode());
        assertEquals("/dashboard", reset.headers().firstValue("location").orElseThrow());
        assertEquals(303, old.get("/dashboard").statusCode(), "the session from before the reset has ended");
        assertEquals(401, setup.browser().post("/login", Map.of("email", "forgetful@example.com",
                "password", PortalSetup.PASSWORD)).statusCode());
        HttpResponse<String> login = setup.browser().post("/login", Map.of("email", "forgetful@example.com",
                "password", newPassword));
        assertEquals(303, login.statusCode());
    }

    @Test
    void keysAreCreatedAndRevokedOnTheDashboard() throws Exception {
        PortalClient browser = setup.browser();
        setup.signUpAndConfirm(browser, "keys@example.com");
        HttpResponse<String> created = PortalSetup.followToDashboard(browser,
                browser.post("/dashboard/keys", Map.of("label", "ci runner")));
        assertEquals(200, created.statusCode());
        String key = PortalSetup.newKey(created.body());
        assertTrue(created.body().contains("value=\"ci runner\""));
        assertEquals(200, chat(key).statusCode());
        String id = created.body().replaceAll("(?s).*<tr data-key=\"(\\d+)\"><td><code>" + key.substring(0, 11)
                + ".*", "$1");
        assertEquals(303, browser.post("/dashboard/keys/" + id + "/label", Map.of("label", "nightly")).statusCode());
        assertTrue(browser.get("/dashboard").body().contains("value=\"nightly\""), "the key was renamed");
        PortalClient stranger = setup.browser();
        setup.signUpAndConfirm(stranger, "stranger@example.com");
        stranger.post("/dashboard/keys/" + id + "/revoke", Map.of());
        assertEquals(200, chat(key).statusCode(), "nobody revokes another user's key");
        assertEquals(303, browser.post("/dashboard/keys/" + id + "/revoke", Map.of()).statusCode());
        assertEquals(401, chat(key).statusCode(), "a revoked key is refused at once");
        assertEquals(303, setup.browser().post("/dashboard/keys", Map.of("label", "x")).statusCode(),
                "without a session: to the sign-in page");
    }

    @Test
    void aKeysResponseProfileIsChosenOnTheDashboard() throws Exception {
        PortalClient browser = setup.browser();
        setup.signUpAndConfirm(browser, "profile@example.com");
        HttpResponse<String> created = PortalSetup.followToDashboard(browser,
                browser.post("/dashboard/keys", Map.of("label", "strict client")));
        String key = PortalSetup.newKey(created.body());
        String id = created.body().replaceAll("(?s).*<tr data-key=\"(\\d+)\"><td><code>" + key.substring(0, 11)
                + ".*", "$1");
        assertTrue(created.body().contains("<option value=\"default\" selected>"), "a new key follows the default");
        assertEquals(303, browser.post("/dashboard/keys/" + id + "/profile", Map.of("profile", "classic")).statusCode());
        assertEquals("classic", setup.gateway.admin("GET", "/keys/" + id, null).path("response_profile").asText());
        assertTrue(browser.get("/dashboard").body().contains("<option value=\"classic\" selected>"));
        assertEquals(200, chat(key).statusCode());
        browser.post("/dashboard/keys/" + id + "/profile", Map.of("profile", "strict"));
        assertEquals("classic", setup.gateway.admin("GET", "/keys/" + id, null).path("response_profile").asText(),
                "an unknown choice changes nothing");
        assertEquals(303, browser.post("/dashboard/keys/" + id + "/profile", Map.of("profile", "default")).statusCode());
        assertTrue(setup.gateway.admin("GET", "/keys/" + id, null).path("response_profile").isNull());
    }

    @Test
    void aUserTheOperatorDisabledCannotUseTheDashboard() {
        PortalClient browser = setup.browser();
        setup.signUpAndConfirm(browser, "disabled@example.com");
        setup.gateway.admin("PATCH", "/users/disabled@example.com", JSON.createObjectNode().put("enabled", false));
        assertEquals(303, browser.get("/dashboard").statusCode(), "the open session no longer shows the dashboard");
        HttpResponse<String> login = setup.browser().post("/login", Map.of("email", "disabled@example.com",
                "password", PortalSetup.PASSWORD));
        assertEquals(403, login.statusCode());
        assertTrue(login.body().contains("This account is disabled"));
    }

    @Test
    void loginIsRateLimitedPerEmail() {
        PortalClient browser = setup.browser();
        for (int i = 0; i < AttemptLimiter.LOGIN.perEmail(); i++) {
            assertEquals(401, browser.post("/login", Map.of("email", "guessed@example.com",
                    "password", "guess number " + i)).statusCode());
        }
        HttpResponse<String> limited = browser.post("/login", Map.of("email", "guessed@example.com",
                "password", "one more guess"));
        assertEquals(429, limited.statusCode());
        assertTrue(limited.body().contains("Too many attempts"));
    }

    @Test
    void closedRegistrationRefusesSignUp() {
        setup.gateway.admin("PATCH", "/portal", JSON.createObjectNode().put("registration", "closed"));
        try {
            PortalClient browser = setup.browser();
            assertTrue(browser.get("/signup").body().contains("Registration is closed"));
            HttpResponse<String> refused = browser.post("/signup", Map.of("email", "late-comer@example.com",
                    "password", PortalSetup.PASSWORD));
            assertEquals(403, refused.statusCode());
            assertTrue(refused.body().contains("Registration is closed"));
            assertTrue(setup.mail.to("late-comer@example.com").isEmpty());
        } finally {
            setup.gateway.admin("PATCH", "/portal", JSON.createObjectNode().put("registration", "open"));
        }
    }

    @Test
    void inviteOnlyRegistrationTakesAValidCodeOnce() {
        setup.gateway.admin("PATCH", "/portal", JSON.createObjectNode().put("registration", "invite"));
        try {
            String code = setup.gateway.admin("POST", "/portal/invites", JSON.createObjectNode().put("uses", 1))
                    .path("code").asText();
            PortalClient browser = setup.browser();
            assertTrue(browser.get("/signup").body().contains("id=\"invite\""));
            HttpResponse<String> none = browser.post("/signup", Map.of("email", "invited@example.com",
                    "password", PortalSetup.PASSWORD));
            assertEquals(403, none.statusCode());
            assertTrue(none.body().contains("needs an invite code"));
            HttpResponse<String> wrong = browser.post("/signup", Map.of("email", "invited@example.com",
                    "password", PortalSetup.PASSWORD, "invite", "inv-not-a-real-one"));
            assertEquals(403, wrong.statusCode());
            assertEquals(303, browser.post("/signup", Map.of("email", "invited@example.com",
                    "password", PortalSetup.PASSWORD, "invite", code)).statusCode());
            setup.mail.await("invited@example.com", 1);
            HttpResponse<String> usedUp = browser.post("/signup", Map.of("email", "second@example.com",
                    "password", PortalSetup.PASSWORD, "invite", code));
            assertEquals(403, usedUp.statusCode());
            assertTrue(usedUp.body().contains("not valid"));
        } finally {
            setup.gateway.admin("PATCH", "/portal", JSON.createObjectNode().put("registration", "open"));
        }
    }

    @Test
    void signUpIsLimitedToTheAllowedDomains() {
        var only = JSON.createObjectNode();
        only.putArray("allowed_domains").add("example.org");
        setup.gateway.admin("PATCH", "/portal", only);
        try {
            HttpResponse<String> refused = setup.browser().post("/signup", Map.of("email", "outsider@example.com",
                    "password", PortalSetup.PASSWORD));
            assertEquals(403, refused.statusCode());
            assertTrue(refused.body().contains("example.org only"));
            assertEquals(303, setup.browser().post("/signup", Map.of("email", "insider@EXAMPLE.org",
                    "password", PortalSetup.PASSWORD)).statusCode());
            setup.mail.await("insider@example.org", 1);
        } finally {
            setup.gateway.admin("PATCH", "/portal", JSON.createObjectNode().putNull("allowed_domains"));
        }
    }

    @Test
    void aNewUserGetsThePortalsFreeQuotaLimitsAndAliases() throws Exception {
        var defaults = JSON.createObjectNode().put("free_quota", 250).put("rpm", 7).put("tpm", 7000);
        defaults.putArray("models").add("chat");
        setup.gateway.admin("PATCH", "/portal", defaults);
        try {
            HttpResponse<String> dashboard = setup.signUpAndConfirm(setup.browser(), "rich@example.com");
            assertTrue(dashboard.body().contains("<strong id=\"quota\">250</strong>"));
            String key = PortalSetup.newKey(dashboard.body());
            var user = setup.gateway.admin("GET", "/users/rich@example.com", null);
            assertEquals(250, user.path("quota_balance").asInt());
            var keys = setup.gateway.admin("GET", "/keys?user=rich@example.com", null).path("data");
            assertEquals("chat", keys.get(0).path("models").get(0).asText());
            HttpResponse<String> answer = chat(key);
            assertEquals(200, answer.statusCode());
            assertEquals("7", answer.headers().firstValue("x-ratelimit-limit-requests").orElse(""));
        } finally {
            var back = JSON.createObjectNode().put("free_quota", 0).putNull("rpm").putNull("tpm");
            back.putNull("models");
            setup.gateway.admin("PATCH", "/portal", back);
        }
    }

    /** Usage rows are written in batches, so a call shows up on the dashboard within a moment, not at once. */
    static String eventually(java.util.function.Supplier<String> page, java.util.function.Predicate<String> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        String last = page.get();
        while (!done.test(last) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            last = page.get();
        }
        return last;
    }

    private static HttpResponse<String> chat(String key) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(setup.api() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
