package io.modelbridge.gateway.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpRules;
import io.modelbridge.db.Database;
import io.modelbridge.gateway.cluster.ChangeListener;
import io.modelbridge.gateway.crypto.CredentialCipher;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.ErrorWriter;
import io.modelbridge.gateway.plugin.PluginCatalog;
import io.modelbridge.gateway.routing.ChannelHealth;
import java.time.Clock;
import java.util.Map;

/**
 * The admin API under {@code /admin/v1}: users, keys, channels, aliases, limits, prices, quotas, plugins, usage,
 * audit, and the self-service portal's settings and invites. Every request needs the admin token; every change is
 * audited in its own transaction and announced to the {@link ChangeListener} after the commit. See
 * docs/admin-api.md.
 */
public final class AdminApi {
    public static final String PREFIX = "/admin/v1";

    private final AdminAuth auth;
    private final Guard guard;
    private final ErrorWriter errors;
    private final UsersHandler users;
    private final KeysHandler keys;
    private final ChannelsHandler channels;
    private final CredentialCheckHandler credentialChecks;
    private final AliasesHandler aliases;
    private final LimitsHandler limits;
    private final PricesHandler prices;
    private final QuotaHandler quotas;
    private final PluginsHandler pluginsHandler;
    private final UsageHandler usage;
    private final AuditHandler audit;
    private final PortalHandler portal;
    private final DryRun dryRun;

    /** Without channel health (breakers, channel tests): an admin API with no gateway behind it. */
    public AdminApi(Database db, CredentialCipher cipher, PluginCatalog plugins, ChangeListener changes,
                    ObjectMapper json, ErrorWriter errors, String adminToken, Clock clock) {
        this(db, cipher, plugins, ChannelHealth.none(), changes, json, errors, adminToken, clock);
    }

    public AdminApi(Database db, CredentialCipher cipher, PluginCatalog plugins, ChannelHealth health,
                    ChangeListener changes, ObjectMapper json, ErrorWriter errors, String adminToken, Clock clock) {
        JsonResponses responses = new JsonResponses(json);
        AdminDeps deps = new AdminDeps(db, json, responses, new Changes(db, changes, responses, clock), clock);
        this.auth = new AdminAuth(adminToken, errors);
        this.guard = new Guard(errors);
        this.errors = errors;
        this.users = new UsersHandler(deps);
        this.keys = new KeysHandler(deps);
        this.channels = new ChannelsHandler(deps, cipher, plugins, health);
        this.credentialChecks = new CredentialCheckHandler(deps, cipher);
        this.aliases = new AliasesHandler(deps);
        this.limits = new LimitsHandler(deps);
        this.prices = new PricesHandler(deps);
        this.quotas = new QuotaHandler(deps);
        this.pluginsHandler = new PluginsHandler(deps, plugins);
        this.usage = new UsageHandler(deps);
        this.audit = new AuditHandler(deps);
        this.portal = new PortalHandler(deps);
        this.dryRun = new DryRun(errors);
    }

    public void register(HttpRouting.Builder routing) {
        routing.addFilter(dryRun).register(PREFIX, this::routes);
    }

    private void routes(HttpRules rules) {
        rules.any(guard.wrap(auth));
        users.routes(rules, guard);
        quotas.routes(rules, guard);
        keys.routes(rules, guard);
        channels.routes(rules, guard);
        credentialChecks.routes(rules, guard);
        aliases.routes(rules, guard);
        limits.routes(rules, guard);
        prices.routes(rules, guard);
        pluginsHandler.routes(rules, guard);
        usage.routes(rules, guard);
        audit.routes(rules, guard);
        portal.routes(rules, guard);
        rules.any((req, res) -> errors.write(res, ApiError.notFound("not_found", "No admin endpoint "
                + req.prologue().method().text() + " " + req.path().absolute().path() + "."), Map.of()));
    }
}
