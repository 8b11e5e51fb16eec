package io.modelbridge.gateway.portal;

import java.util.List;
import java.util.Optional;

/** The front page: what this is, the models on offer now, and how to call them. */
final class HomePage {
    private HomePage() {}

    static String render(Messages t, String base, List<String> models, boolean registration,
                         Optional<String> signedIn, String csrf) {
        String modelList = models.isEmpty()
                ? "<p>" + Html.fill(t.noModels(), "<code>mbctl alias set</code>") + "</p>"
                : "<ul class=\"models\" id=\"models\">" + String.join("", models.stream()
                        .map(m -> "<li><code>" + Html.text(m) + "</code></li>").toList()) + "</ul>";
        String logIn = "<a href=\"/login\">" + Html.text(t.logInLink()) + "</a>";
        String start = signedIn.isPresent()
                ? "<p><a class=\"button\" href=\"/dashboard\">" + Html.text(t.goToDashboard()) + "</a></p>"
                : registration
                        ? "<p>" + Html.fill(t.homeSignUp(), "<a class=\"button\" href=\"/signup\">"
                                + Html.text(t.signUpWithEmail()) + "</a>", logIn) + "</p>"
                        : "<p>" + Html.fill(t.homeClosed(), logIn) + "</p>";
        String content = """
                <section class="hero">
                <h1>%s</h1>
                <p>%s</p>
                %s
                </section>
                <section>
                <h2>%s</h2>
                %s
                </section>
                <section>
                <h2>%s</h2>
                %s
                </section>
                """.formatted(Html.text(t.heroTitle()), Html.fill(t.heroText(), "<code id=\"base-url\">"
                        + Html.text(base) + "/v1</code>", "<code>model</code>"), start,
                Html.text(t.modelsHeading()), modelList, Html.text(t.callIt()),
                Snippets.html(t, base, Snippets.exampleModel(models), "mb-your-key"));
        return Layout.page(t, t.homeTitle(), "/", signedIn, csrf, content);
    }
}
