package io.modelbridge.gateway.portal;

import java.util.Optional;

/** The sign-up, confirmation, sign-in and password-reset forms; each can be shown again with a message. */
final class AuthPages {
    private AuthPages() {}

    static String signUp(Messages t, String csrf, String email, boolean inviteOnly, String error) {
        String invite = inviteOnly ? """
                <label for="invite">%s</label>
                <input id="invite" name="invite" required autocomplete="off">""".formatted(Html.text(t.inviteCode()))
                : "";
        return form(t, t.signUp(), "/signup", csrf, error, null, "/signup", """
                %s
                <label for="password">%s</label>
                <input id="password" name="password" type="password" required autocomplete="new-password">
                %s
                <button type="submit" id="signup">%s</button>""".formatted(emailField(t, email),
                passwordLabel(t, t.password()), invite, Html.text(t.signUp())),
                "<p>" + Html.fill(t.haveAccount(), "<a href=\"/login\">" + Html.text(t.logIn()) + "</a>") + "</p>");
    }

    static String confirm(Messages t, String csrf, String email, String error, String notice) {
        String resend = """
                <form method="post" action="/confirm/resend">%s
                <input type="hidden" name="email" value="%s">
                <button type="submit" class="link" id="resend">%s</button></form>"""
                .formatted(Layout.csrfField(csrf), Html.text(email), Html.text(t.sendNewCode()));
        return form(t, t.confirmTitle(), PortalHttp.withEmail("/confirm", email), csrf, error, notice, "/confirm", """
                <p>%s</p>
                <input type="hidden" name="email" value="%s">
                %s
                <button type="submit" id="confirm">%s</button>""".formatted(
                Html.fill(t.codeSent(), "<strong>" + Html.text(email) + "</strong>"), Html.text(email),
                codeField(t), Html.text(t.confirm())), resend);
    }

    static String logIn(Messages t, String csrf, String email, String error, String notice) {
        // no email in the switch's links: a wrong password and an unknown address must give the same page
        return form(t, t.logIn(), "/login", csrf, error, notice, "/login", """
                %s
                <label for="password">%s</label>
                <input id="password" name="password" type="password" required autocomplete="current-password">
                <button type="submit" id="login">%s</button>""".formatted(emailField(t, email),
                Html.text(t.password()), Html.text(t.logIn())), "<p><a href=\"/reset\">"
                + Html.text(t.forgotPassword()) + "</a> · <a href=\"/signup\">" + Html.text(t.signUp()) + "</a></p>");
    }

    static String reset(Messages t, String csrf, String email, String error) {
        return form(t, t.resetTitle(), "/reset", csrf, error, null, "/reset", """
                %s
                <button type="submit" id="reset">%s</button>""".formatted(emailField(t, email),
                Html.text(t.mailMeACode())), "");
    }

    static String resetConfirm(Messages t, String csrf, String email, String error) {
        return form(t, t.newPasswordTitle(), PortalHttp.withEmail("/reset/confirm", email), csrf, error,
                t.resetMailed(email), "/reset/confirm", """
                <input type="hidden" name="email" value="%s">
                %s
                <label for="password">%s</label>
                <input id="password" name="password" type="password" required autocomplete="new-password">
                <button type="submit" id="set-password">%s</button>""".formatted(Html.text(email), codeField(t),
                passwordLabel(t, t.newPassword()), Html.text(t.setPassword())), "");
    }

    /** A page that only says something, e.g. that sign-up is closed; {@code path} is where it is shown again. */
    static String message(Messages t, String title, String path, String csrf, String text) {
        return Layout.page(t, title, path, Optional.empty(), csrf, "<section class=\"card\"><h1>" + Html.text(title)
                + "</h1>" + Layout.notice(text, true) + "</section>");
    }

    private static String emailField(Messages t, String email) {
        return """
                <label for="email">%s</label>
                <input id="email" name="email" type="email" required autocomplete="email" value="%s">"""
                .formatted(Html.text(t.email()), Html.text(email));
    }

    private static String codeField(Messages t) {
        return """
                <label for="code">%s</label>
                <input id="code" name="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required
                       autocomplete="one-time-code">""".formatted(Html.text(t.code()));
    }

    /** A password label with the minimum length. */
    private static String passwordLabel(Messages t, String label) {
        return Html.text(label) + " <small>" + Html.text(t.atLeast(Passwords.MIN_LENGTH)) + "</small>";
    }

    private static String form(Messages t, String title, String path, String csrf, String error, String notice,
                               String action, String fields, String after) {
        return Layout.page(t, title, path, Optional.empty(), csrf, """
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
