package io.modelbridge.gateway.portal;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.Optional;

/** The portal's cookies, all HttpOnly: the sign-in session, the CSRF token of its forms, the chosen language. */
final class Cookies {
    static final String SESSION = "mb_session";
    static final String CSRF = "mb_csrf";
    static final String LANG = "lang";
    /** A key secret on its way from the POST that made it to the one page that shows it. */
    static final String NEW_KEY = "mb_new_key";
    private static final Duration NEW_KEY_TTL = Duration.ofMinutes(2);
    private static final Duration LANG_TTL = Duration.ofDays(365);

    private final boolean secure;

    /** @param secure add the Secure attribute (the portal is served over https) */
    Cookies(boolean secure) {
        this.secure = secure;
    }

    static Optional<String> read(ServerRequest req, String name) {
        for (String header : req.headers().all(HeaderNames.COOKIE, java.util.List::of)) {
            for (String part : header.split(";")) {
                String p = part.strip();
                if (p.startsWith(name + "=")) {
                    String value = unquoted(p.substring(name.length() + 1));
                    return value.isEmpty() || value.length() > 128 ? Optional.empty() : Optional.of(value);
                }
            }
        }
        return Optional.empty();
    }

    /** A cookie value may come in double quotes (RFC 6265; RFC 2965 clients always send them). */
    private static String unquoted(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    void setSession(ServerResponse res, String token, Duration ttl) {
        set(res, SESSION, token, "/", "Lax", ttl);
    }

    void clearSession(ServerResponse res) {
        set(res, SESSION, "", "/", "Lax", Duration.ZERO);
    }

    /**
     * Hands a new key's secret to the dashboard page the browser is redirected to (post, redirect, get: reloading
     * that page neither repeats the post nor shows the secret again). Only /dashboard receives it, for 2 minutes.
     */
    void setNewKey(ServerResponse res, String value) {
        set(res, NEW_KEY, value, "/dashboard", "Strict", NEW_KEY_TTL);
    }

    void clearNewKey(ServerResponse res) {
        set(res, NEW_KEY, "", "/dashboard", "Strict", Duration.ZERO);
    }

    /** A browser-lifetime cookie: sent back only by this site's own pages (SameSite=Strict). */
    void setCsrf(ServerResponse res, String token) {
        set(res, CSRF, token, "/", "Strict", null);
    }

    /**
     * The language of this request's page and mails: a {@code ?lang=} (then kept in the {@code lang} cookie), else
     * the cookie, else the browser's Accept-Language.
     */
    Language language(ServerRequest req, ServerResponse res) {
        Optional<Language> asked = req.query().first(LANG).asOptional().flatMap(Language::byCode);
        if (asked.isPresent()) {
            set(res, LANG, asked.get().code, "/", "Lax", LANG_TTL);
            return asked.get();
        }
        return read(req, LANG).flatMap(Language::byCode)
                .orElseGet(() -> Language.accepted(req.headers().first(HeaderNames.ACCEPT_LANGUAGE)));
    }

    /** Every cookie of the portal is HttpOnly (and Secure over https); {@code ttl} null: until the browser closes. */
    private void set(ServerResponse res, String name, String value, String path, String sameSite, Duration ttl) {
        res.headers().add(HeaderNames.SET_COOKIE, name + "=" + value + "; Path=" + path + "; HttpOnly; SameSite="
                + sameSite + (secure ? "; Secure" : "") + (ttl == null ? "" : "; Max-Age=" + ttl.toSeconds()));
    }
}
