package io.modelbridge.gateway.portal;

/** The sign-up, confirmation, sign-in and password-reset forms; each can be shown again with a message. */
final class AuthPages {
    private AuthPages() {}

    static String signUp(Language t, String csrf, String email, boolean inviteOnly, String error) {
        return Templates.render("signup", "t", t, "csrf", csrf, "email", email, "inviteOnly", inviteOnly,
                "error", error);
    }

    static String confirm(Language t, String csrf, String email, String error, String notice) {
        return Templates.render("confirm", "t", t, "csrf", csrf, "email", email, "error", error, "notice", notice);
    }

    static String logIn(Language t, String csrf, String email, String error, String notice) {
        return Templates.render("login", "t", t, "csrf", csrf, "email", email, "error", error, "notice", notice);
    }

    static String reset(Language t, String csrf, String email, String error) {
        return Templates.render("reset", "t", t, "csrf", csrf, "email", email, "error", error);
    }

    static String resetConfirm(Language t, String csrf, String email, String error) {
        return Templates.render("resetConfirm", "t", t, "csrf", csrf, "email", email, "error", error);
    }

    /** A page that only says something, e.g. that sign-up is closed; {@code path} is where it is shown again. */
    static String message(Language t, String title, String path, String csrf, String text) {
        return Templates.render("message", "t", t, "title", title, "path", path, "csrf", csrf, "text", text);
    }
}
