package io.modelbridge.gateway.portal;

import static io.modelbridge.gateway.it.RunningGateway.JSON;

import io.modelbridge.gateway.config.PortalConfig;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.testkit.SecretLedger;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A gateway with mail to a {@link Mailbox}, one OpenAI channel behind the alias "chat", and portal helpers. */
final class PortalSetup implements AutoCloseable {
    static final String PASSWORD = "correct horse battery";
    /** MB_PUBLIC_URL: where mailed links and snippets point (the tests never follow it). */
    static final URI PUBLIC_URL = URI.create("http://portal.test");
    private static final Pattern NEW_KEY = Pattern.compile("<code id=\"new-key\">(mb-[A-Za-z0-9_-]+)</code>");
    final Mailbox mail = new Mailbox();
    final OpenAiSimulator upstream = OpenAiSimulator.start();
    final RunningGateway gateway;

    PortalSetup(Path dataDir) {
        gateway = RunningGateway.start(dataDir, c -> c.withPortal(PortalConfig.defaults().withSmtp(mail.settings())
                .withPublicUrl(PUBLIC_URL)));
        SecretLedger.record(PASSWORD);
        var channel = JSON.createObjectNode().put("name", "sim").put("provider", "openai")
                .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
        channel.putArray("models").add("gpt-4o-mini");
        gateway.admin("POST", "/channels", channel);
        var alias = JSON.createObjectNode();
        alias.putArray("targets").addObject().put("channel", "sim").put("model", "gpt-4o-mini");
        gateway.admin("PUT", "/aliases/chat", alias);
    }

    URI api() {
        return gateway.api();
    }

    PortalClient browser() {
        return new PortalClient(gateway.api());
    }

    /** A browser whose user prefers these languages (its Accept-Language). */
    PortalClient browser(String acceptLanguage) {
        return new PortalClient(gateway.api(), Map.of("Accept-Language", acceptLanguage));
    }

    /** Signs up and confirms with the mailed code; returns the dashboard page that shows the first key. */
    HttpResponse<String> signUpAndConfirm(PortalClient browser, String email) {
        int before = mail.to(email).size();
        HttpResponse<String> signUp = browser.post("/signup", Map.of("email", email, "password", PASSWORD));
        if (signUp.statusCode() != 303) {
            throw new AssertionError("sign-up answered " + signUp.statusCode() + ": " + signUp.body());
        }
        return followToDashboard(browser, browser.post("/confirm", Map.of("email", email,
                "code", mail.code(email, before + 1))));
    }

    /** A post that made a key answers 303 to the dashboard, which shows the secret that once. */
    static HttpResponse<String> followToDashboard(PortalClient browser, HttpResponse<String> posted) {
        if (posted.statusCode() != 303 || !"/dashboard".equals(posted.headers().firstValue("location").orElse(""))) {
            throw new AssertionError("expected 303 to /dashboard, got " + posted.statusCode() + ": " + posted.body());
        }
        return browser.get("/dashboard");
    }

    /** The API key secret a page shows once. */
    static String newKey(String page) {
        Matcher m = NEW_KEY.matcher(page);
        if (!m.find()) {
            throw new AssertionError("no new key on the page: " + page);
        }
        SecretLedger.record(m.group(1));
        return m.group(1);
    }

    @Override
    public void close() {
        gateway.close();
        upstream.close();
        mail.close();
    }
}
