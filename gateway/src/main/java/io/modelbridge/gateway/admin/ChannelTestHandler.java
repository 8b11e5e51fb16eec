package io.modelbridge.gateway.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.db.repo.ChannelRecord;
import io.modelbridge.db.repo.ChannelRepository;
import io.modelbridge.gateway.crypto.CredentialCipher;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.pipeline.Failover;
import io.modelbridge.gateway.pipeline.Served;
import io.modelbridge.gateway.plugin.PluginCatalog;
import io.modelbridge.gateway.plugin.PluginView;
import io.modelbridge.gateway.routing.RouteLoader;
import io.modelbridge.gateway.routing.Target;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.Sampling;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * POST /channels/{name}/test: one minimal chat request through the channel's plugin, exactly as a client call
 * would go (same plugin lease, transport and error mapping), enabled or not. The answer is 200 either way:
 * {@code ok} with the latency, or the error a client would have seen. Nothing is billed or recorded as usage.
 */
final class ChannelTestHandler {
    private static final Set<String> BODY = Set.of("model");
    private static final String PROMPT = "Reply with the single word OK.";
    private static final int MAX_TOKENS = 16;
    private static final int MAX_REPLY_CHARS = 200;
    private final AdminDeps deps;
    private final CredentialCipher cipher;
    private final PluginCatalog plugins;
    private final Failover failover;

    ChannelTestHandler(AdminDeps deps, CredentialCipher cipher, PluginCatalog plugins, Failover failover) {
        this.deps = deps;
        this.cipher = cipher;
        this.plugins = plugins;
        this.failover = failover;
    }

    void routes(HttpRules rules, Guard guard) {
        rules.post("/channels/{name}/test", guard.wrap(this::test));
    }

    private void test(ServerRequest req, ServerResponse res) {
        String name = AdminDeps.pathParam(req, "name");
        JsonBody body = deps.body(req, BODY);
        ChannelRecord channel = new ChannelRepository(deps.db().dsl()).find(name)
                .orElseThrow(() -> Checks.notFound("channel", name));
        String model = body.text("model").map(m -> Checks.model(m, "model")).orElseGet(() -> defaultModel(channel));
        ObjectNode result = deps.replies().object("channel_test").put("channel", name)
                .put("provider", channel.provider()).put("model", model);
        if (channel.credentialSealed() != null && !opens(channel)) {
            deps.replies().ok(res, failed(result, 0, ApiError.invalidValue("channel '" + name + "': the credential "
                    + "does not decrypt under this master key; set it again.", "credential")));
            return;
        }
        Target target = new Target(RouteLoader.route(channel, cipher), model, 0, 1);
        ChatRequest chat = new ChatRequest(model, List.of(Message.of("user", PROMPT)), false, false,
                new Sampling(null, null, MAX_TOKENS, List.of(), null, null, null, null), List.of(), null, null, Map.of());
        long start = System.nanoTime();
        try {
            Served<ChatResponse> served = failover.run(List.of(target),
                    (t, adapter, ctx) -> adapter.chat(chat, ctx), () -> false, t -> { });
            result.put("ok", true).put("latency_ms", millisSince(start)).put("reply", reply(served.value()));
            if (served.value().usage() != null) {
                result.putObject("usage").put("prompt_tokens", served.value().usage().promptTokens())
                        .put("completion_tokens", served.value().usage().completionTokens());
            }
        } catch (GatewayException e) {
            failed(result, millisSince(start), e.error());
        }
        deps.replies().ok(res, result);
    }

    /** The channel's first model, else the first model its plugin knows; else the caller must name one. */
    private String defaultModel(ChannelRecord channel) {
        if (!channel.models().isEmpty()) {
            return channel.models().getFirst();
        }
        return plugins.list().stream()
                .filter(p -> p.providerIds().contains(channel.provider()) && !p.knownModels().isEmpty())
                .map(PluginView::knownModels).map(List::getFirst).findFirst()
                .orElseThrow(() -> Checks.invalid("Channel '" + channel.name() + "' lists no models and its plugin "
                        + "knows none: give 'model'.", "model"));
    }

    private boolean opens(ChannelRecord channel) {
        try {
            cipher.open(channel.name(), channel.credentialSealed());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private ObjectNode failed(ObjectNode result, long latencyMs, ApiError error) {
        result.put("ok", false).put("latency_ms", latencyMs);
        result.putObject("error").put("status", error.status()).put("type", error.type()).put("code", error.code())
                .put("param", error.param()).put("message", error.message());
        return result;
    }

    private static String reply(ChatResponse response) {
        String text = response.choices().isEmpty() ? "" : response.choices().getFirst().message().text();
        return text.length() > MAX_REPLY_CHARS ? text.substring(0, MAX_REPLY_CHARS) + "…" : text;
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
