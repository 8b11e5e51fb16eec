package io.modelbridge.gateway.portal;

import java.util.Optional;

/** The sign-up, confirmation, sign-in and password-reset forms; each can be shown again with a message. */
final class AuthPages {
    private AuthPages() {}

    static String signUp(String csrf, String email, boolean inviteOnly, String error) {
        String invite = inviteOnly ? """
                <label for="invite">Invite code</label>
                <input id="invite" name="invite" required autocomplete="off">""" : "";
        return form("Sign up", csrf, error, null, "/signup", """
                <label for="email">Email</label>
                <input id="email" name="email" type="email" required autocomplete="email" value="%s">
                <label for="password">Password <small>(at least %d characters)</small></label>
                <input id="password" name="password" type="password" required autocomplete="new-password">
                %s
                <button type="submit" id="signup">Sign up</button>""".formatted(Html.text(email), Passwords.MIN_LENGTH,
                invite), "<p>Have an account? <a href=\"/login\">Log in</a>.</p>");
    }

    static String confirm(String csrf, String email, String error, String notice) {
        String resend = """
                <form method="post" action="/confirm/resend">%s
                <input type="hidden" name="email" value="%s">
                <button type="submit" class="link" id="resend">Send a new code</button></form>"""
                .formatted(Layout.csrfField(csrf), Html.text(email));
        return form("Confirm your email", csrf, error, notice, "/confirm", """
                <p>We sent a six-digit code to <strong>%s</strong> if it can sign up here. Enter it to finish.</p>
                <input type="hidden" name="email" value="%s">
                <label for="code">Code</label>
                <input id="code" name="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required
                       autocomplete="one-time-code">
                <button type="submit" id="confirm">Confirm</button>""".formatted(Html.text(email), Html.text(email)),
                resend);
    }

    static String logIn(String csrf, String email, String error, String notice) {
        return form("Log in", csrf, error, notice, "/login", """
                <label for="email">Email</label>
                <input id="email" name="email" type="email" required autocomplete="email" value="%s">
                <label for="password">Password</label>
                <input id="password" name="password" type="password" required autocomplete="current-password">
                <button type="submit" id="login">Log in</button>""".formatted(Html.text(email)),
                "<p><a href=\"/reset\">Forgot your password?</a> · <a href=\"/signup\">Sign up</a></p>");
    }

    static String reset(String csrf, String email, String error) {
        return form("Reset your password", csrf, error, null, "/reset", """
                <label for="email">Email</label>
                <input id="email" name="email" type="email" required autocomplete="email" value="%s">
                <button type="submit" id="reset">Mail me a code</button>""".formatted(Html.text(email)), "");
    }

    static String resetConfirm(String csrf, String email, String error) {
        return form("Choose a new password", csrf, error,
                "If an account exists for " + email + ", we mailed it a code.", "/reset/confirm", """
                <input type="hidden" name="email" value="%s">
                <label for="code">Code</label>
                <input id="code" name="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required
                       autocomplete="one-time-code">
                <label for="password">New password <small>(at least %d characters)</small></label>
                <input id="password" name="password" type="password" required autocomplete="new-password">
                <button type="submit" id="set-password">Set password</button>""".formatted(Html.text(email),
                Passwords.MIN_LENGTH), "");
    }

    /** A page that only says something, e.g. that sign-up is closed. */
    static String message(String title, String csrf, String text) {
        return Layout.page(title, Optional.empty(), csrf, "<section class=\"card\"><h1>" + Html.text(title)
                + "</h1>" + Layout.notice(text, true) + "</section>");
    }

    private static String form(String title, String csrf, String error, String notice, String action, String fields,
                               String after) {
        return Layout.page(title, Optional.empty(), csrf, """
                <section class="card">
                <h1>%s</h1>
                %s%s
                <form method="post" action="%s">
                %s
                %s
                </form>
                %s
                </section>""".formatted(Html.text(title), Layout.notice(notice, false), Layout.notice(error, true),
                action, Layout.csrfField(csrf), fields, after));
    }
}
