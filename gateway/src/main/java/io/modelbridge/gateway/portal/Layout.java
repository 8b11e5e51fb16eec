package io.modelbridge.gateway.portal;

import java.util.Optional;

/** The frame of every portal page: head, navigation (with a sign-out form when signed in), content. */
final class Layout {
    private Layout() {}

    /** @param signedIn the email of the signed-in user, if any */
    static String page(String title, Optional<String> signedIn, String csrf, String content) {
        String nav = signedIn.map(email -> """
                <a href="/dashboard">Dashboard</a>
                <span class="who">%s</span>
                <form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="%s">\
                <button type="submit" id="logout">Log out</button></form>""".formatted(Html.text(email), Html.text(csrf)))
                .orElse("""
                <a href="/login">Log in</a>
                <a href="/signup" class="button">Sign up</a>""");
        return """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s · ModelBridge</title>
                <link rel="stylesheet" href="/portal.css">
                </head>
                <body>
                <header><a href="/" class="brand">ModelBridge</a><nav>%s</nav></header>
                <main>
                %s
                </main>
                <footer>ModelBridge: one OpenAI-compatible endpoint for GPT, DeepSeek, ERNIE, Qwen, Spark and GLM.</footer>
                </body>
                </html>
                """.formatted(Html.text(title), nav, content);
    }

    /** An error or notice line above a form; empty when there is nothing to say. */
    static String notice(String message, boolean error) {
        if (message == null || message.isEmpty()) {
            return "";
        }
        return "<p class=\"" + (error ? "error" : "notice") + "\" role=\"" + (error ? "alert" : "status") + "\">"
                + Html.text(message) + "</p>";
    }

    static String csrfField(String csrf) {
        return "<input type=\"hidden\" name=\"" + Csrf.FIELD + "\" value=\"" + Html.text(csrf) + "\">";
    }
}
