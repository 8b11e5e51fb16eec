package io.modelbridge.gateway.portal;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.portal.Accounts.Refusal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
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
    private final Optional<URI> publicUrl;

    AuthRoutes(Accounts accounts, Sessions sessions, Csrf csrf, AttemptLimiter limiter, DashboardRoutes dashboard,
               Optional<URI> publicUrl) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.csrf = csrf;
        this.limiter = limiter;
        this.dashboard = dashboard;
        this.publicUrl = publicUrl;
    }

    void routes(HttpRules rules) {
        rules.get("/signup", this::signUpForm)
                .post("/signup", posted(this::signUp))
                .get("/confirm", (req, res) -> PortalHttp.page(res, 200, AuthPages.confirm(csrf.token(req, res),
                        PortalHttp.query(req, "email"), null, null)))
                .post("/confirm", posted(this::confirm))
                .post("/confirm/resend", posted(this::resend))
                .get("/login", (req, res) -> PortalHttp.page(res, 200, AuthPages.logIn(csrf.token(req, res),
                        PortalHttp.query(req, "email"), null, null)))
                .post("/login", posted(this::logIn))
                .post("/logout", posted((req, res, form, token) -> {
                    sessions.end(req, res);
                    PortalHttp.redirect(res, "/");
                }))
                .get("/reset", (req, res) -> PortalHttp.page(res, 200, AuthPages.reset(csrf.token(req, res), "",
                        null)))
                .post("/reset", posted(this::reset))
                .get("/reset/confirm", (req, res) -> PortalHttp.page(res, 200, AuthPages.resetConfirm(
                        csrf.token(req, res), PortalHttp.query(req, "email"), null)))
                .post("/reset/confirm", posted(this::resetConfirm));
    }

    private Handler posted(Csrf.FormHandler handler) {
        return csrf.posted(handler);
    }

    private void signUpForm(ServerRequest req, ServerResponse res) {
        String token = csrf.token(req, res);
        String registration = accounts.settings().registration();
        if (registration.equals("closed")) {
            PortalHttp.page(res, 200, AuthPages.message("Registration is closed", token,
                    "Registration is closed on this gateway. Ask its operator for an account."));
            return;
        }
        PortalHttp.page(res, 200, AuthPages.signUp(token, "", registration.equals("invite"),
                accounts.canMail() ? null : "This gateway cannot send mail yet, so sign-up is off."));
    }

    private void signUp(ServerRequest req, ServerResponse res, Form form, String token) {
        boolean invite = accounts.settings().registration().equals("invite");
        attempt(req, res, form, AttemptLimiter.SIGN_UP, email -> {
            accounts.signUp(email, form.raw("password"), form.get("invite"), base(req));
            PortalHttp.redirect(res, "/confirm?email=" + encoded(email));
        }, error -> AuthPages.signUp(token, form.get("email"), invite, error));
    }

    private void confirm(ServerRequest req, ServerResponse res, Form form, String token) {
        attempt(req, res, form, AttemptLimiter.CODE, email -> {
            Onboarding.Welcome welcome = accounts.confirm(email, form.get("code"));
            sessions.start(res, welcome.accountId());
            dashboard.show(req, res, welcome.user().id(), email, token, Optional.of(welcome.firstKey()),
                    "Your address is confirmed. Welcome!");
        }, error -> AuthPages.confirm(token, form.get("email"), error, null));
    }

    private void resend(ServerRequest req, ServerResponse res, Form form, String token) {
        attempt(req, res, form, AttemptLimiter.SIGN_UP, email -> {
            accounts.resendConfirmation(email, base(req));
            PortalHttp.page(res, 200, AuthPages.confirm(token, email, null,
                    "If " + email + " is waiting for confirmation, a new code is on its way."));
        }, error -> AuthPages.confirm(token, form.get("email"), error, null));
    }

    private void logIn(ServerRequest req, ServerResponse res, Form form, String token) {
        attempt(req, res, form, AttemptLimiter.LOGIN, email -> {
            switch (accounts.signIn(email, form.raw("password"), base(req))) {
                case Accounts.SignedIn in -> {
                    sessions.start(res, in.account().id());
                    PortalHttp.redirect(res, "/dashboard");
                }
                case Accounts.Unconfirmed u -> PortalHttp.redirect(res, "/confirm?email=" + encoded(u.email()));
                case Accounts.Disabled d -> throw new Refusal(403, "This account is disabled. Ask the gateway's"
                        + " operator.");
                case Accounts.Failed f -> throw new Refusal(401, "The email or password is not right.");
            }
        }, error -> AuthPages.logIn(token, form.get("email"), error, null));
    }

    private void reset(ServerRequest req, ServerResponse res, Form form, String token) {
        attempt(req, res, form, AttemptLimiter.RESET, email -> {
            accounts.requestReset(email, base(req));
            PortalHttp.redirect(res, "/reset/confirm?email=" + encoded(email));
        }, error -> AuthPages.reset(token, form.get("email"), error));
    }

    private void resetConfirm(ServerRequest req, ServerResponse res, Form form, String token) {
        attempt(req, res, form, AttemptLimiter.CODE, email -> {
            sessions.start(res, accounts.resetPassword(email, form.get("code"), form.raw("password")).id());
            PortalHttp.redirect(res, "/dashboard");
        }, error -> AuthPages.resetConfirm(token, form.get("email"), error));
    }

    /**
     * Checks the typed address and the action's attempt budget, then runs the action; a refusal shows the form
     * again with its message and status.
     */
    private void attempt(ServerRequest req, ServerResponse res, Form form, AttemptLimiter.Budget budget,
                         Consumer<String> action, Function<String, String> formWithError) {
        try {
            String email = Accounts.email(form.get("email"));
            limit(budget, req, email);
            action.accept(email);
        } catch (Refusal r) {
            PortalHttp.page(res, r.status, formWithError.apply(r.getMessage()));
        }
    }

    private static String encoded(String email) {
        return URLEncoder.encode(email, StandardCharsets.UTF_8);
    }

    private void limit(AttemptLimiter.Budget budget, ServerRequest req, String email) {
        OptionalLong wait = limiter.tryAttempt(budget, PortalHttp.clientAddress(req), email);
        if (wait.isPresent()) {
            throw new Refusal(429, "Too many attempts. Try again in " + wait.getAsLong() + " seconds.");
        }
    }

    private String base(ServerRequest req) {
        return PortalHttp.base(req, publicUrl);
    }
}
