package io.modelbridge.gateway.admin;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.db.repo.Channel;
import io.modelbridge.db.repo.ChannelRepository;
import io.modelbridge.db.repo.ChannelSpec;
import io.modelbridge.gateway.cluster.ChangeListener.Topic;
import io.modelbridge.gateway.crypto.CredentialCipher;
import io.modelbridge.gateway.plugin.PluginCatalog;
import io.modelbridge.gateway.routing.ChannelHealth;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** /channels: create, list, show, update, delete. The credential goes in sealed and never comes out. */
final class ChannelsHandler {
    /** http(s), or ws(s) for vendors that speak WebSocket (Spark). */
    private static final Set<String> BASE_URL_SCHEMES = Set.of("http", "https", "ws", "wss");
    private static final Set<String> PATCH = Set.of("provider", "credential", "base_url", "models", "priority",
            "weight", "enabled", "connect_timeout_ms", "read_timeout_ms", "extras", "responses_api");
    private static final Set<String> CREATE = union(PATCH, "name");
    private static final Set<String> TEST = Set.of("model");
    private final AdminDeps deps;
    private final CredentialCipher cipher;
    private final PluginCatalog plugins;
    private final ChannelView view;
    private final ChannelHealth health;

    ChannelsHandler(AdminDeps deps, CredentialCipher cipher, PluginCatalog plugins, ChannelHealth health) {
        this.deps = deps;
        this.cipher = cipher;
        this.plugins = plugins;
        this.health = health;
        this.view = new ChannelView(deps.responses(), cipher, plugins, health);
    }

    void routes(HttpRules rules, Guard guard) {
        rules.post("/channels", guard.wrap(this::create))
                .get("/channels", guard.wrap(this::list))
                .get("/channels/{name}", guard.wrap(this::show))
                .patch("/channels/{name}", guard.wrap(this::update))
                .delete("/channels/{name}", guard.wrap(this::delete))
                .post("/channels/{name}/test", guard.wrap(this::test));
    }

    /**
     * Sends one minimal real request through the channel's plugin: {@code model} from the body, else the channel's
     * first model. Always 200 when the test ran: {@code {"ok","latency_ms","model","error"}}.
     */
    private void test(ServerRequest req, ServerResponse res) {
        Channel channel = find(new ChannelRepository(deps.db().dsl()), AdminDeps.pathParam(req, "name"));
        JsonBody body = deps.body(req, TEST);
        String model = body.text("model").map(m -> FieldValidation.model(m, "model"))
                .or(() -> channel.models().stream().findFirst())
                .orElseThrow(() -> FieldValidation.invalid("Channel '" + channel.name()
                        + "' lists no models; give the upstream 'model' to test with.", "model"));
        ChannelHealth.Probe probe = health.probe(channel, model);
        var node = deps.responses().object("channel_test").put("channel", channel.name()).put("ok", probe.ok())
                .put("latency_ms", probe.latencyMillis()).put("model", probe.model());
        if (probe.error().isEmpty()) {
            node.putNull("error");
        } else {
            var e = probe.error().get();
            node.putObject("error").put("message", e.message()).put("type", e.type()).put("param", e.param())
                    .put("code", e.code()).put("status", e.status()).put("kind", probe.kind().orElse(null))
                    .put("upstream_status", probe.upstreamStatus());
        }
        deps.responses().ok(res, node);
    }

    private void create(ServerRequest req, ServerResponse res) {
        JsonBody body = deps.body(req, CREATE);
        String name = FieldValidation.name(body.requireText("name"), "name");
        ChannelSpec defaults = new ChannelSpec(name, body.requireText("provider"), "", null, List.of(), 0, 1, true,
                10_000, 120_000, Map.of());
        ChannelSpec spec = merged(body, defaults);
        Channel channel = deps.changes().apply(Topic.ROUTES, (tx, audit) -> {
            Channel created = new ChannelRepository(tx).create(spec);
            audit.record("channel.create", "channel", name, view.of(created));
            return created;
        });
        deps.responses().created(res, view.of(channel));
    }

    private void list(ServerRequest req, ServerResponse res) {
        deps.responses().ok(res, deps.responses().list(new ChannelRepository(deps.db().dsl()).list(), view::of));
    }

    private void show(ServerRequest req, ServerResponse res) {
        String name = AdminDeps.pathParam(req, "name");
        deps.responses().ok(res, view.of(find(new ChannelRepository(deps.db().dsl()), name)));
    }

    private void update(ServerRequest req, ServerResponse res) {
        String name = AdminDeps.pathParam(req, "name");
        JsonBody body = deps.body(req, PATCH);
        Channel channel = deps.changes().apply(Topic.ROUTES, (tx, audit) -> {
            ChannelRepository channels = new ChannelRepository(tx);
            Channel current = find(channels, name);
            channels.update(current.id(), merged(body, ChannelSpec.of(current)));
            Channel updated = find(channels, name);
            audit.record("channel.update", "channel", name,
                    view.of(updated).put("credential_replaced", body.has("credential")));
            return updated;
        });
        deps.responses().ok(res, view.of(channel));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String name = AdminDeps.pathParam(req, "name");
        deps.changes().apply(Topic.ROUTES, (tx, audit) -> {
            if (!new ChannelRepository(tx).delete(name)) {
                throw FieldValidation.notFound("channel", name);
            }
            audit.record("channel.delete", "channel", name, deps.responses().node());
            return null;
        });
        deps.responses().ok(res, deps.responses().deleted("channel", name));
    }

    /** The current spec with every field the body has replaced, validated. */
    private ChannelSpec merged(JsonBody body, ChannelSpec c) {
        String provider = body.hasValue("provider") ? provider(body.text("provider").orElseThrow()) : c.provider();
        byte[] sealed = body.has("credential")
                ? body.text("credential").map(secret -> seal(c.name(), secret)).orElse(null)
                : c.credentialSealed();
        return new ChannelSpec(c.name(), provider,
                body.hasValue("base_url") ? baseUrl(body.text("base_url").orElseThrow()) : c.baseUrl(),
                sealed, body.strings("models").map(ChannelsHandler::models).orElse(c.models()),
                body.integer("priority").orElse(c.priority()),
                FieldValidation.positive(body.integer("weight").orElse(c.weight()), "weight"),
                body.bool("enabled").orElse(c.enabled()),
                FieldValidation.positive(body.integer("connect_timeout_ms").orElse(c.connectTimeoutMs()),
                        "connect_timeout_ms"),
                FieldValidation.positive(body.integer("read_timeout_ms").orElse(c.readTimeoutMs()), "read_timeout_ms"),
                body.stringMap("extras").orElse(c.extras()),
                responsesNative(body, provider, c.responsesNative()));
    }

    /**
     * {@code responses_api}: "native" (the upstream serves /v1/responses itself) or "translate". Only an openai
     * channel may be native: the other vendors have no Responses API, and only the openai plugin passes it through.
     */
    private static boolean responsesNative(JsonBody body, String provider, boolean current) {
        boolean responsesNative = body.text("responses_api").map(ResponsesApi::parse).orElse(current);
        if (responsesNative && !ResponsesApi.NATIVE_PROVIDER.equals(provider)) {
            throw FieldValidation.invalid("'responses_api' may be \"native\" only for a channel of provider '"
                    + ResponsesApi.NATIVE_PROVIDER + "' (this one is '" + provider + "').", "responses_api");
        }
        return responsesNative;
    }

    private String provider(String provider) {
        if (!plugins.hasProvider(provider)) {
            throw FieldValidation.invalid("No loaded plugin serves provider '" + provider
                    + "'; see GET /admin/v1/plugins for the providers available.", "provider");
        }
        return provider;
    }

    private byte[] seal(String channel, String credential) {
        if (credential.isBlank()) {
            throw FieldValidation.invalid("'credential' must not be empty (send null to remove it).", "credential");
        }
        return cipher.seal(channel, credential);
    }

    private static String baseUrl(String url) {
        if (url.isEmpty()) {
            return url;
        }
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() != null && BASE_URL_SCHEMES.contains(uri.getScheme()) && uri.getHost() != null
                    && uri.getRawUserInfo() == null) { // Set.of(...).contains(null) throws: no scheme is checked first
                return url;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw FieldValidation.invalid("'base_url' must be an http(s) or ws(s) URL without user info, or \"\" for the "
                + "vendor's own.", "base_url");
    }

    /** Each a model name as aliases have them: clients ask for it, and it is sent in x-modelbridge-upstream-model. */
    private static List<String> models(List<String> models) {
        for (int i = 0; i < models.size(); i++) {
            FieldValidation.model(models.get(i), "models[" + i + "]");
        }
        return models;
    }

    private static Channel find(ChannelRepository channels, String name) {
        return channels.find(name).orElseThrow(() -> FieldValidation.notFound("channel", name));
    }

    private static Set<String> union(Set<String> set, String extra) {
        Set<String> all = new java.util.HashSet<>(set);
        all.add(extra);
        return Set.copyOf(all);
    }
}
