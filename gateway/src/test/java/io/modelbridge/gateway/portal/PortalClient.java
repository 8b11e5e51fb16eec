package io.modelbridge.gateway.portal;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One browser without a browser: keeps its cookies, follows no redirect (the tests check them), and posts forms
 * with the CSRF token its cookie holds, as the pages' hidden field does.
 */
final class PortalClient {
    private final URI base;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http;
    private final Map<String, String> headers;

    PortalClient(URI base) {
        this(base, Map.of());
    }

    /** @param headers sent with every request, as a browser's settings do (e.g. Accept-Language) */
    PortalClient(URI base, Map<String, String> headers) {
        this.base = base;
        this.headers = headers;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().build());
    }

    /** Posts the form with this browser's CSRF token (fetched from a page first if it has none yet). */
    HttpResponse<String> post(String path, Map<String, String> fields) {
        if (cookie("mb_csrf").isEmpty()) {
            get("/login");
        }
        Map<String, String> all = new LinkedHashMap<>(fields);
        all.putIfAbsent("csrf", cookie("mb_csrf").orElseThrow());
        return postRaw(path, all, Map.of());
    }

    /** Posts exactly these fields and headers: no token is added. */
    HttpResponse<String> postRaw(String path, Map<String, String> fields, Map<String, String> headers) {
        String body = fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(req::header);
        return send(req.build());
    }

    Optional<String> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue).filter(v -> !v.isEmpty()).findFirst();
    }

    private HttpResponse<String> send(HttpRequest request) {
        HttpRequest.Builder withHeaders = HttpRequest.newBuilder(request, (name, value) -> true);
        headers.forEach(withHeaders::header);
        try {
            return http.send(withHeaders.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
