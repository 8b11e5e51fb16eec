package io.modelbridge.gateway.portal;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.portal.Accounts.Refusal;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Function;

/** Sign-up with a mailed code, sign-in, sign-out and password reset. */
final class AuthRoutes {
    private final Accounts accounts;
    private final Sessions sessions;
    private final Csrf csrf;
    private final AttemptLimiter limiter;
    private final DashboardRoutes dashboard;

    AuthRoutes(Accounts accounts, Sessions sessions, Csrf csrf, AttemptLimiter limiter, DashboardRoutes dashboard) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.csrf = csrf;
        this.limiter = limiter;
        this.dashboard = dashboard;
    }

    void routes(HttpRules rules) {
        rules.get("/signup", this::signUpForm)
                .post("/signup", posted(this::signUp))
                .get("/confirm", shown((t, token, email) -> AuthPages.confirm(t, token, email, null, null)))
                .post("/confirm", posted(this::confirm))
                .post("/confirm/resend", posted(this::resend))
                .get("/login", shown((t, token, email) -> AuthPages.logIn(t, token, email, null, null)))
                .post("/login", posted(this::logIn))
                .post("/logout", posted((req, res, form, token, t) -> {
                    sessions.end(req, res);
                    PortalHttp.redirect(res, "/");
                }))
                .get("/reset", shown((t, token, email) -> AuthPages.reset(t, token, "", null)))
                .post("/reset", posted(this::reset))
                .get("/reset/confirm", shown((t, token, email) -> AuthPages.resetConfirm(t, token, email, null)))
                .post("/reset/confirm", posted(this::resetConfirm));
    }

    /** A form page as a GET shows it: in the request's language, for the address in {@code ?email=}. */
    @FunctionalInterface
    private interface FormPage {
        String render(Language t, String token, String email);
    }

    private Handler shown(FormPage page) {
        return (req, res) -> {
            String token = csrf.token(req, res);
            PortalHttp.page(res, 200, page.render(csrf.language(req, res), token, PortalHttp.query(req, "email")));
        };
    }

    private Handler posted(Csrf.FormHandler handler) {
        return csrf.posted(handler);
    }

    private void signUpForm(ServerRequest req, ServerResponse res) {
        String token = csrf.token(req, res);
        Language t = csrf.language(req, res);
        String registration = accounts.settings().registration();
        if (registration.equals("closed")) {
            PortalHttp.page(res, 200, AuthPages.message(t, t.text("registrationClosedTitle"), "/signup", token,
                    t.text("registrationClosed")));
            return;
        }
        PortalHttp.page(res, 200, AuthPages.signUp(t, token, "", registration.equals("invite"),
                accounts.canMail() ? null : t.text("signUpNeedsMail")));
    }

    private void signUp(ServerRequest req, ServerResponse res, Form form, String token, Language t) {
        attempt(req, res, form, t, AttemptLimiter.SIGN_UP, email -> {
            accounts.signUp(email, form.raw("password"), form.get("invite"), t);
            PortalHttp.redirect(res, PortalHttp.withEmail("/confirm", email));
        }, error -> AuthPages.signUp(t, token, form.get("email"),
                accounts.settings().registration().equals("invite"), error)); // settings read again only to refuse
    }

    private void confirm(ServerRequest req, ServerResponse res, Form form, String token, Language t) {
        attempt(req, res, form, t, AttemptLimiter.CODE, email -> {
            Onboarding.Welcome welcome = accounts.confirm(email, form.get("code"), t);
            sessions.start(res, welcome.accountId());
            dashboard.showOnce(res, welcome.firstKey(), true);
        }, error -> AuthPages.confirm(t, token, form.get("email"), error, null));
    }

    private void resend(ServerRequest req, ServerResponse res, Form form, String token, Language t) {
        attempt(req, res, form, t, AttemptLimiter.SIGN_UP, email -> {
            accounts.resendConfirmation(email, t);
            PortalHttp.page(res, 200, AuthPages.confirm(t, token, email, null, t.text("newCodeSent", email)));
        }, error -> AuthPages.confirm(t, token, form.get("email"), error, null));
    }

    private void logIn(ServerRequest req, ServerResponse res, Form form, String token, Language t) {
        attempt(req, res, form, t, AttemptLimiter.LOGIN, email -> {
            switch (accounts.signIn(email, form.raw("password"), t)) {
                case Accounts.SignedIn in -> {
                    sessions.start(res, in.account().id());
                    PortalHttp.redirect(res, "/dashboard");
                }
                case Accounts.Unconfirmed u -> PortalHttp.redirect(res, PortalHttp.withEmail("/confirm", u.email()));
                case Accounts.Disabled d -> throw new Refusal(403, t.text("accountDisabled"));
                case Accounts.Failed f -> throw new Refusal(401, t.text("wrongPassword"));
            }
        }, error -> AuthPages.logIn(t, token, form.get("email"), error, null));
    }

    private void reset(ServerRequest req, ServerResponse res, Form form, String token, Language t) {
        attempt(req, res, form, t, AttemptLimiter.RESET, email -> {
            accounts.requestReset(email, t);
            PortalHttp.redirect(res, PortalHttp.withEmail("/reset/confirm", email));
        }, error -> AuthPages.reset(t, token, form.get("email"), error));
    }

    private void resetConfirm(ServerRequest req, ServerResponse res, Form form, String token, Language t) {
        attempt(req, res, form, t, AttemptLimiter.CODE, email -> {
            sessions.start(res, accounts.resetPassword(email, form.get("code"), form.raw("password"), t).id());
            PortalHttp.redirect(res, "/dashboard");
        }, error -> AuthPages.resetConfirm(t, token, form.get("email"), error));
    }

    /**
     * Checks the typed address and the action's attempt budget, then runs the action; a refusal shows the form
     * again with its message and status.
     */
    private void attempt(ServerRequest req, ServerResponse res, Form form, Language t, AttemptLimiter.Budget budget,
                         Consumer<String> action, Function<String, String> formWithError) {
        try {
            String email = Accounts.email(form.get("email"), t);
            limit(budget, req, email, t);
            action.accept(email);
        } catch (Refusal r) {
            PortalHttp.page(res, r.status, formWithError.apply(r.getMessage()));
        }
    }

    private void limit(AttemptLimiter.Budget budget, ServerRequest req, String email, Language t) {
        OptionalLong wait = limiter.tryAttempt(budget, PortalHttp.clientAddress(req), email);
        if (wait.isPresent()) {
            throw new Refusal(429, t.text("tooManyAttempts", wait.getAsLong()));
        }
    }
}
