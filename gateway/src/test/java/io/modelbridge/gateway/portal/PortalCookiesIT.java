package io.modelbridge.gateway.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.gateway.config.PortalConfig;
import io.modelbridge.gateway.it.RunningGateway;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portal's cookies as a browser receives them when the portal is served over https (MB_PUBLIC_URL https): every
 * one HttpOnly and Secure, with its path, SameSite and lifetime; a cleared one expired; sent-back values read the
 * way RFC 6265 allows (quoted), an oversized one ignored.
 */
class PortalCookiesIT {
    @TempDir
    static Path dataDir;
    static RunningGateway gateway;
    private final HttpClient http = HttpClient.newHttpClient(); // no cookie store: each test sends what it means

    @BeforeAll
    static void start() {
        gateway = RunningGateway.start(dataDir, c -> c.withPortal(PortalConfig.defaults()
                .withPublicUrl(URI.create("https://portal.test"))));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void overHttpsEveryCookieIsSecureAndHttpOnlyWithItsPathSameSiteAndLifetime() {
        HttpResponse<String> page = get("/login?lang=zh", "");
        assertEquals(Set.of("Path=/", "Secure", "HttpOnly", "SameSite=Strict"), attributes(cookie(page, "mb_csrf")),
                "the CSRF cookie lasts as long as the browser");
        assertEquals(Set.of("Max-Age=31536000", "Path=/", "Secure", "HttpOnly", "SameSite=Lax"),
                attributes(cookie(page, "lang")));
        assertTrue(cookie(page, "lang").startsWith("lang=zh;"));
    }

    @Test
    void signingOutClearsTheSessionCookie() {
        String token = "t".repeat(43);
        HttpResponse<String> out = post("/logout", "mb_csrf=" + token + "; mb_session=some-old-session",
                "csrf=" + token);
        assertEquals(303, out.statusCode(), out.body());
        String cleared = cookie(out, "mb_session");
        assertTrue(cleared.startsWith("mb_session=;"), cleared);
        Set<String> attributes = attributes(cleared);
        assertTrue(attributes.containsAll(Set.of("Path=/", "Secure", "HttpOnly", "SameSite=Lax")), cleared);
        assertTrue(attributes.contains("Max-Age=0") || attributes.stream().anyMatch(a -> a.startsWith("Expires=")
                && !ZonedDateTime.parse(a.substring(8), DateTimeFormatter.RFC_1123_DATE_TIME).isAfter(
                        ZonedDateTime.now())), "expired: " + cleared);
    }

    @Test
    void aQuotedValueIsReadAndAnOversizedOneIsIgnored() {
        assertTrue(get("/", "lang=\"zh\"").body().contains("<html lang=\"zh-CN\">"), "RFC 6265 allows quotes");
        String token = "t".repeat(129);
        assertEquals(403, post("/logout", "mb_csrf=" + token, "csrf=" + token).statusCode(),
                "a CSRF cookie longer than any of ours counts as absent");
        String fits = "t".repeat(128);
        assertEquals(303, post("/logout", "mb_csrf=" + fits, "csrf=" + fits).statusCode());
    }

    /** A Set-Cookie's attributes, without its name and value. */
    private static Set<String> attributes(String setCookie) {
        return Set.copyOf(List.of(setCookie.split("; ")).subList(1, setCookie.split("; ").length));
    }

    private static String cookie(HttpResponse<String> response, String name) {
        return response.headers().allValues("set-cookie").stream().filter(c -> c.startsWith(name + "="))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " cookie in " + response.headers()));
    }

    private HttpResponse<String> get(String path, String cookies) {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.api().resolve(path)).GET();
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies);
        }
        return send(request.build());
    }

    private HttpResponse<String> post(String path, String cookies, String form) {
        return send(HttpRequest.newBuilder(gateway.api().resolve(path)).header("Cookie", cookies)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
