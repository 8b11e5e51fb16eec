package io.modelbridge.gateway.portal;

import io.helidon.http.HeaderNames;
import io.helidon.http.SetCookie;
import io.helidon.http.SetCookie.SameSite;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The portal's cookies, through Helidon's cookie API, all HttpOnly (and Secure over https): the sign-in session, the
 * CSRF token of its forms, the chosen language and a new key's secret on its way to the dashboard.
 */
final class Cookies {
    static final String SESSION = "mb_session";
    static final String CSRF = "mb_csrf";
    static final String LANG = "lang";
    /** A key secret on its way from the POST that made it to the one page that shows it. */
    static final String NEW_KEY = "mb_new_key";
    private static final Duration NEW_KEY_TTL = Duration.ofMinutes(2);
    private static final Duration LANG_TTL = Duration.ofDays(365);
    /** No cookie of ours is longer; a longer value is ignored as if absent. */
    private static final int MAX_VALUE = 128;

    private final boolean secure;

    /** @param secure add the Secure attribute (the portal is served over https) */
    Cookies(boolean secure) {
        this.secure = secure;
    }

    /** The cookie's value as Helidon parsed the request's Cookie headers (quotes removed); empty if blank. */
    static Optional<String> read(ServerRequest req, String name) {
        return req.headers().cookies().first(name).asOptional()
                .filter(value -> !value.isEmpty() && value.length() <= MAX_VALUE);
    }

    void setSession(ServerResponse res, String token, Duration ttl) {
        res.headers().addCookie(cookie(SESSION, token, "/", SameSite.LAX).maxAge(ttl).build());
    }

    void clearSession(ServerResponse res) {
        res.headers().clearCookie(cookie(SESSION, "", "/", SameSite.LAX).build());
    }

    /**
     * Hands a new key's secret to the dashboard page the browser is redirected to (post, redirect, get: reloading
     * that page neither repeats the post nor shows the secret again). Only /dashboard receives it, for 2 minutes.
     */
    void setNewKey(ServerResponse res, String value) {
        res.headers().addCookie(cookie(NEW_KEY, value, "/dashboard", SameSite.STRICT).maxAge(NEW_KEY_TTL).build());
    }

    void clearNewKey(ServerResponse res) {
        res.headers().clearCookie(cookie(NEW_KEY, "", "/dashboard", SameSite.STRICT).build());
    }

    /** A browser-lifetime cookie: sent back only by this site's own pages (SameSite=Strict). */
    void setCsrf(ServerResponse res, String token) {
        res.headers().addCookie(cookie(CSRF, token, "/", SameSite.STRICT).build());
    }

    /**
     * The language of this request's page and mails: a {@code ?lang=} (then kept in the {@code lang} cookie), else
     * the cookie, else the browser's Accept-Language.
     */
    Language language(ServerRequest req, ServerResponse res) {
        Optional<Language> asked = req.query().first(LANG).asOptional().flatMap(Language::byCode);
        if (asked.isPresent()) {
            res.headers().addCookie(cookie(LANG, asked.get().code, "/", SameSite.LAX).maxAge(LANG_TTL).build());
            return asked.get();
        }
        return read(req, LANG).flatMap(Language::byCode)
                .orElseGet(() -> Language.accepted(req.headers().first(HeaderNames.ACCEPT_LANGUAGE)));
    }

    private SetCookie.Builder cookie(String name, String value, String path, SameSite sameSite) {
        return SetCookie.builder(name, value).path(path).httpOnly(true).secure(secure).sameSite(sameSite);
    }
}
