package io.modelbridge.gateway.portal;

import java.util.List;
import java.util.Optional;

/** The front page (home.jte): what this is, the models on offer now, and how to call them. */
final class HomePage {
    private HomePage() {}

    static String render(Language t, String base, List<String> models, boolean registration,
                         Optional<String> signedIn, String csrf) {
        return Templates.render("home", "t", t, "base", base, "models", models, "registration", registration,
                "signedIn", signedIn, "csrf", csrf);
    }
}
