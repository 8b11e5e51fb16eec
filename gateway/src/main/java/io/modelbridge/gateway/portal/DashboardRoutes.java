package io.modelbridge.gateway.portal;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.db.Database;
import io.modelbridge.db.repo.ApiKeyRepository;
import io.modelbridge.db.repo.PortalSession;
import io.modelbridge.db.repo.UsageQuery;
import io.modelbridge.db.repo.UsageRepository;
import io.modelbridge.db.repo.User;
import io.modelbridge.db.repo.UserRepository;
import java.net.URI;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/** The signed-in user's dashboard: create and revoke keys, see quota and usage. */
final class DashboardRoutes {
    private static final int DAYS = 30;
    private static final String WELCOME = "welcome.";
    private static final Pattern NEW_KEY =
            Pattern.compile("(" + Pattern.quote(WELCOME) + ")?(mb-[A-Za-z0-9_-]{16,100})");
    private final Database db;
    private final Sessions sessions;
    private final Csrf csrf;
    private final Cookies cookies;
    private final Onboarding onboarding;
    private final Supplier<List<String>> models;
    private final Optional<URI> publicUrl;
    private final Clock clock;

    DashboardRoutes(Database db, Sessions sessions, Csrf csrf, Cookies cookies, Onboarding onboarding,
                    Supplier<List<String>> models, Optional<URI> publicUrl, Clock clock) {
        this.db = db;
        this.sessions = sessions;
        this.csrf = csrf;
        this.cookies = cookies;
        this.onboarding = onboarding;
        this.models = models;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    void routes(HttpRules rules) {
        rules.get("/dashboard", (req, res) -> signedIn(req, res).ifPresent(v -> show(req, res, v)))
                .post("/dashboard/keys", csrf.posted((req, res, form, token, t) -> signedIn(req, res).ifPresent(v ->
                        showOnce(res, onboarding.newKey(v.user().id(), v.user().name(), label(form)), false))))
                .post("/dashboard/keys/{id}/label", onOwnKey((userId, keyId, form) ->
                        onboarding.relabelKey(userId, keyId, label(form))))
                .post("/dashboard/keys/{id}/profile", onOwnKey((userId, keyId, form) ->
                        DashboardPage.chosenProfile(form.get("profile")).ifPresent(profile ->
                                onboarding.setKeyProfile(userId, keyId, profile.orElse(null)))))
                .post("/dashboard/keys/{id}/revoke", onOwnKey((userId, keyId, form) ->
                        onboarding.revokeKey(userId, keyId)));
    }

    /** A change to one key of the signed-in user; back to the dashboard afterwards. */
    @FunctionalInterface
    private interface KeyChange {
        void apply(long userId, long keyId, Form form);
    }

    private io.helidon.webserver.http.Handler onOwnKey(KeyChange change) {
        return csrf.posted((req, res, form, token, t) -> signedIn(req, res).ifPresent(v -> {
            String id = req.path().pathParameters().get("id");
            if (id.matches("\\d{1,18}")) {
                change.apply(v.user().id(), Long.parseLong(id), form);
            }
            PortalHttp.redirect(res, "/dashboard");
        }));
    }

    private static String label(Form form) {
        String label = form.get("label");
        return label.isEmpty() ? "key" : label.substring(0, Math.min(label.length(), 100));
    }

    /** A signed-in visitor: the session of a confirmed account, and its user. */
    private record Visitor(PortalSession session, User user) {}

    /** The visitor if the session's user exists and is enabled, or a redirect to the sign-in page. */
    private Optional<Visitor> signedIn(ServerRequest req, ServerResponse res) {
        Optional<Visitor> visitor = sessions.current(req).filter(s -> s.userId() != null)
                .flatMap(s -> new UserRepository(db.dsl()).find(s.userId()).filter(User::enabled)
                        .map(user -> new Visitor(s, user)));
        if (visitor.isEmpty()) {
            PortalHttp.redirect(res, "/login");
        }
        return visitor;
    }

    /** Redirects to the dashboard, which shows this secret once; {@code welcome} after a confirmed sign-up. */
    void showOnce(ServerResponse res, String secret, boolean welcome) {
        cookies.setNewKey(res, (welcome ? WELCOME : "") + secret);
        PortalHttp.redirect(res, "/dashboard");
    }

    private void show(ServerRequest req, ServerResponse res, Visitor v) {
        Language t = csrf.language(req, res);
        Optional<String> flash = Cookies.read(req, Cookies.NEW_KEY);
        flash.ifPresent(f -> cookies.clearNewKey(res)); // shown on this page only
        Matcher key = NEW_KEY.matcher(flash.orElse(""));
        boolean shown = key.matches();
        Optional<String> newKey = shown ? Optional.of(key.group(2)) : Optional.empty();
        String notice = shown && key.group(1) != null ? t.text("welcome") : null;
        render(req, res, t, v, csrf.token(req, res), newKey, notice);
    }

    private void render(ServerRequest req, ServerResponse res, Language t, Visitor v, String token,
                        Optional<String> newKey, String notice) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        List<LocalDate> days = IntStream.range(0, DAYS).mapToObj(i -> today.minusDays(DAYS - 1 - i)).toList();
        UsageQuery query = new UsageQuery(v.user().id(), null, null, null,
                days.get(0).atStartOfDay(ZoneOffset.UTC).toInstant(), null);
        UsageRepository usage = new UsageRepository(db.dsl());
        DashboardPage.View view = new DashboardPage.View(v.session().email(), v.user().quotaLeft(),
                new ApiKeyRepository(db.dsl()).listForUser(v.user().id()), newKey, days, usage.dailyByModel(query),
                usage.rows(query, 20), PortalHttp.base(req, publicUrl), Snippets.exampleModel(models.get()), notice);
        PortalHttp.page(res, 200, DashboardPage.render(t, view, token));
    }
}
