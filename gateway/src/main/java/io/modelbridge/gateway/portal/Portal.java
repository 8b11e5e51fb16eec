package io.modelbridge.gateway.portal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.modelbridge.db.Database;
import io.modelbridge.db.repo.PortalSettings;
import io.modelbridge.gateway.admin.Changes;
import io.modelbridge.gateway.cluster.ChangeListener;
import io.modelbridge.gateway.config.PortalConfig;
import io.modelbridge.gateway.config.PortalConfig.SmtpSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The self-service portal on the public port: a home page with the models on offer and how to call them,
 * sign-up by email with a mailed code, sign-in, password reset and a dashboard of one's own keys and usage.
 * See docs/portal.md.
 */
public final class Portal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Portal.class);
    private final PortalConfig config;
    private final Accounts accounts;
    private final Sessions sessions;
    private final Csrf csrf;
    private final AuthRoutes auth;
    private final DashboardRoutes dashboard;
    private final Supplier<List<String>> aliases;
    private final Mailer mailer;
    private final byte[] css;

    /** @param aliases the aliases clients can call right now */
    public Portal(Database db, ChangeListener changes, ObjectMapper json, PortalConfig config,
                  Supplier<List<String>> aliases, Clock clock) {
        this.config = config;
        this.mailer = mailer(config);
        Cookies cookies = new Cookies(config.publicUrl().map(u -> u.getScheme().equals("https")).orElse(false));
        Onboarding onboarding = new Onboarding(Changes.by("portal", db, changes, json, clock), json, clock);
        this.accounts = new Accounts(db, onboarding, mailer, config.publicUrl().map(URI::toString).orElse(""),
                config.codeTtl(), clock);
        this.sessions = new Sessions(db, cookies, config.sessionTtl(), clock);
        this.csrf = new Csrf(cookies);
        this.aliases = aliases;
        this.dashboard = new DashboardRoutes(db, sessions, csrf, cookies, onboarding,
                () -> offered(accounts.settings(), aliases.get()), config.publicUrl(), clock);
        this.auth = new AuthRoutes(accounts, sessions, csrf, new AttemptLimiter(), dashboard);
        this.css = resource("portal.css");
    }

    public void register(HttpRouting.Builder routing) {
        routing.get("/", (req, res) -> {
                    String token = csrf.token(req, res);
                    PortalSettings settings = accounts.settings();
                    PortalHttp.page(res, 200, HomePage.render(csrf.language(req, res),
                            PortalHttp.base(req, config.publicUrl()), offered(settings, aliases.get()),
                            !settings.registration().equals("closed"), sessions.current(req).map(s -> s.email()),
                            token));
                })
                .get("/portal.css", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "text/css; charset=utf-8");
                    res.header(HeaderNames.CACHE_CONTROL, "max-age=3600");
                    res.send(css);
                })
                .register(auth::routes)
                .register(dashboard::routes);
    }

    /** Removes expired sessions; called from the gateway's housekeeping. */
    public void housekeeping() {
        sessions.removeExpired();
    }

    /**
     * Mail needs MB_SMTP_HOST, MB_PUBLIC_URL (a mailed link takes its address from MB_PUBLIC_URL only, never from a
     * request's Host header, which anyone can set to their own site) and a sender mail servers accept. The log says
     * at start whether mail is on and from whom, or why it is off.
     */
    private static Mailer mailer(PortalConfig config) {
        if (config.smtp().isEmpty()) {
            LOG.info("Portal mail is off: MB_SMTP_HOST is not set, so sign-up and password reset are unavailable"
                    + " (existing accounts still sign in).");
            return Mailer.none();
        }
        SmtpSettings smtp = config.smtp().get();
        if (config.publicUrl().isEmpty()) {
            LOG.warn("Portal mail is off: MB_SMTP_HOST is set but MB_PUBLIC_URL is not. Links in sign-up and reset"
                    + " mails come only from MB_PUBLIC_URL, so sign-up and password reset stay off until it is set.");
            return Mailer.none();
        }
        Optional<String> sender = config.sender();
        if (sender.isEmpty()) {
            String host = config.publicUrl().get().getHost();
            LOG.warn("Portal mail is off: no sender address. MB_SMTP_FROM is not set, and MB_PUBLIC_URL's host '{}' is"
                    + " not a domain name, so modelbridge@{} would be refused by mail servers. Set MB_SMTP_FROM"
                    + " (e.g. modelbridge@example.com); sign-up and password reset stay off until then.", host, host);
            return Mailer.none();
        }
        LOG.info("Portal mail is on: through {}:{} ({}), from {}{}.", smtp.host(), smtp.port(), smtp.security(),
                sender.get(), smtp.from().isPresent() ? "" : " (derived from MB_PUBLIC_URL; set MB_SMTP_FROM to change)");
        return new SmtpMailer(smtp, sender.get());
    }

    /** The aliases a newcomer may use: the portal's list where it has one, else every alias. */
    private static List<String> offered(PortalSettings settings, List<String> all) {
        return settings.models().isEmpty() ? all : all.stream().filter(settings.models()::contains).toList();
    }

    private static byte[] resource(String name) {
        try (InputStream in = Portal.class.getResourceAsStream(name)) {
            return Optional.ofNullable(in).orElseThrow(() -> new IllegalStateException(name + " is missing"))
                    .readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        accounts.close();
        if (mailer instanceof SmtpMailer smtp) {
            smtp.close();
        }
    }
}
