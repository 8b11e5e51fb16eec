package io.modelbridge.gateway.portal;

import java.util.List;
import java.util.Optional;

/** The front page: what this is, the models on offer now, and how to call them. */
final class HomePage {
    private HomePage() {}

    static String render(String base, List<String> models, boolean registration, Optional<String> signedIn,
                         String csrf) {
        String modelList = models.isEmpty()
                ? "<p>No models are set up yet: the operator adds them with <code>mbctl alias set</code>.</p>"
                : "<ul class=\"models\" id=\"models\">" + String.join("", models.stream()
                        .map(m -> "<li><code>" + Html.text(m) + "</code></li>").toList()) + "</ul>";
        String start = signedIn.isPresent()
                ? "<p><a class=\"button\" href=\"/dashboard\">Go to your dashboard</a></p>"
                : registration
                        ? "<p><a class=\"button\" href=\"/signup\">Sign up with your email</a> to get an API key,"
                                + " or <a href=\"/login\">log in</a>.</p>"
                        : "<p>Registration is closed; <a href=\"/login\">log in</a> if you have an account.</p>";
        String content = """
                <section class="hero">
                <h1>One OpenAI-compatible endpoint for every model</h1>
                <p>Point any OpenAI client at <code id="base-url">%s/v1</code> with your ModelBridge key, and switch
                between vendors by changing <code>model</code>.</p>
                %s
                </section>
                <section>
                <h2>Models on this gateway</h2>
                %s
                </section>
                <section>
                <h2>Call it</h2>
                %s
                </section>
                """.formatted(Html.text(base), start, modelList,
                Snippets.html(base, models.isEmpty() ? "MODEL" : models.get(0), "mb-your-key"));
        return Layout.page("Home", signedIn, csrf, content);
    }
}
