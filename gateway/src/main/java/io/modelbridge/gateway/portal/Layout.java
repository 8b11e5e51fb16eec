package io.modelbridge.gateway.portal;

import java.util.Optional;

/** The frame of every portal page: head, navigation (with a sign-out form when signed in), content. */
final class Layout {
    private Layout() {}

    /**
     * @param path the page's own address (with its query), which the language switch shows again
     * @param signedIn the email of the signed-in user, if any
     */
    static String page(Messages t, String title, String path, Optional<String> signedIn, String csrf,
                       String content) {
        String nav = signedIn.map(email -> """
                <a href="/dashboard">%s</a>
                <span class="who">%s</span>
                <form method="post" action="/logout" class="inline">%s\
                <button type="submit" id="logout">%s</button></form>""".formatted(Html.text(t.dashboard()),
                        Html.text(email), csrfField(csrf), Html.text(t.logOut())))
                .orElse("""
                <a href="/login">%s</a>
                <a href="/signup" class="button">%s</a>""".formatted(Html.text(t.logIn()), Html.text(t.signUp())));
        return """
                <!doctype html>
                <html lang="%s">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s · ModelBridge</title>
                <link rel="stylesheet" href="/portal.css">
                </head>
                <body>
                <header><a href="/" class="brand">ModelBridge</a><nav>%s%s</nav></header>
                <main>
                %s
                </main>
                <footer>%s</footer>
                </body>
                </html>
                """.formatted(t.htmlLang, Html.text(title), languageSwitch(t, path), nav, content,
                Html.text(t.footer()));
    }

    /** Links that show this page again in each language (and keep the choice in the lang cookie). */
    private static String languageSwitch(Messages t, String path) {
        StringBuilder out = new StringBuilder("<span class=\"lang\" role=\"group\" aria-label=\"")
                .append(Html.text(t.language())).append("\">");
        for (Messages m : Messages.values()) {
            String href = path + (path.contains("?") ? "&" : "?") + Cookies.LANG + "=" + m.code;
            out.append("<a href=\"").append(Html.text(href)).append("\" hreflang=\"").append(m.htmlLang)
                    .append("\" lang=\"").append(m.htmlLang).append('"')
                    .append(m == t ? " aria-current=\"true\"" : "").append('>').append(Html.text(m.selfName))
                    .append("</a>");
        }
        return out.append("</span>").toString();
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
