package io.modelbridge.gateway.portal;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URI;
import java.util.Optional;

/**
 * Cross-site request forgery protection for every form: a random token in a SameSite=Strict, HttpOnly cookie that
 * each form repeats in a hidden field (double submit), plus a check that a sent Origin header is this site.
 */
final class Csrf {
    static final String FIELD = "csrf";
    private final Cookies cookies;

    Csrf(Cookies cookies) {
        this.cookies = cookies;
    }

    /** The token the page's forms carry: the browser's, or a new one set on this response. */
    String token(ServerRequest req, ServerResponse res) {
        Optional<String> existing = Cookies.read(req, Cookies.CSRF);
        if (existing.isPresent()) {
            return existing.get();
        }
        String token = Tokens.token();
        cookies.setCsrf(res, token);
        return token;
    }

    /** A form post that passed its CSRF check: the form, and the token and language to render pages with. */
    @FunctionalInterface
    interface FormHandler {
        void handle(ServerRequest req, ServerResponse res, Form form, String token, Language t);
    }

    /**
     * Reads the form and checks its token first; an oversized or forged post, or one with a control character in
     * a field, gets a page saying so.
     */
    Handler posted(FormHandler handler) {
        return (req, res) -> {
            String token = token(req, res);
            Language t = language(req, res);
            Optional<Form> form = PortalHttp.form(req);
            Optional<String> withControl = form.flatMap(Form::fieldWithControl);
            if (form.isEmpty()) {
                PortalHttp.page(res, 413, AuthPages.message(t, t.text("formTooLargeTitle"), "/", token,
                        t.text("formTooLarge", Form.MAX_BYTES / 1024)));
            } else if (!valid(req, form.get())) {
                PortalHttp.page(res, 403, AuthPages.message(t, t.text("formRefusedTitle"), "/", token,
                        t.text("formRefused")));
            } else if (withControl.isPresent()) {
                PortalHttp.page(res, 400, AuthPages.message(t, t.text("formInvalidTitle"), "/", token,
                        t.text("formControlCharacter", withControl.get())));
            } else {
                handler.handle(req, res, form.get(), token, t);
            }
        };
    }

    /** The language of the request's pages and mails; see {@link Cookies#language}. */
    Language language(ServerRequest req, ServerResponse res) {
        return cookies.language(req, res);
    }

    boolean valid(ServerRequest req, Form form) {
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isPresent() && !sameHost(origin.get(), req.headers().first(HeaderNames.HOST).orElse(""))) {
            return false;
        }
        return Cookies.read(req, Cookies.CSRF).map(cookie -> Tokens.same(cookie, form.raw(FIELD))).orElse(false);
    }

    private static boolean sameHost(String origin, String host) {
        try {
            URI uri = URI.create(origin);
            String authority = uri.getAuthority();
            return authority != null && authority.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
