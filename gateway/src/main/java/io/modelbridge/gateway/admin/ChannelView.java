package io.modelbridge.gateway.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.db.repo.Channel;
import io.modelbridge.gateway.crypto.CredentialCipher;
import io.modelbridge.gateway.plugin.PluginCatalog;
import io.modelbridge.gateway.routing.ChannelHealth;
import io.modelbridge.gateway.routing.CircuitBreakers;
import java.util.Locale;

/** A channel as the admin API shows it: never the credential, at most a masked hint of it. */
final class ChannelView {
    /** Shorter credentials get no hint: 7 characters of a short secret would give too much of it away. */
    private static final int HINT_MIN_LENGTH = 16;
    private final JsonResponses responses;
    private final CredentialCipher cipher;
    private final PluginCatalog plugins;
    private final ChannelHealth health;

    ChannelView(JsonResponses responses, CredentialCipher cipher, PluginCatalog plugins, ChannelHealth health) {
        this.responses = responses;
        this.cipher = cipher;
        this.plugins = plugins;
        this.health = health;
    }

    ObjectNode of(Channel c) {
        ObjectNode node = responses.object("channel").put("id", c.id()).put("name", c.name())
                .put("provider", c.provider()).put("provider_available", plugins.hasProvider(c.provider()))
                .put("base_url", c.baseUrl());
        JsonResponses.putStrings(node, "models", c.models());
        node.put("priority", c.priority()).put("weight", c.weight()).put("enabled", c.enabled())
                .put("connect_timeout_ms", c.connectTimeoutMs()).put("read_timeout_ms", c.readTimeoutMs())
                .put("responses_api", ResponsesApi.of(c.responsesNative()));
        ObjectNode extras = node.putObject("extras");
        c.extras().forEach(extras::put);
        putCredential(node, c);
        putBreaker(node.putObject("breaker"), health.breaker(c.name()));
        JsonResponses.put(node, "created_at", c.createdAt());
        return node;
    }

    /** This instance's circuit breaker for the channel: closed, open (until retry_at) or half_open. */
    private static void putBreaker(ObjectNode node, CircuitBreakers.Snapshot b) {
        node.put("state", b.state().name().toLowerCase(Locale.ROOT))
                .put("consecutive_failures", b.consecutiveFailures());
        JsonResponses.put(node, "retry_at", b.retryAt().orElse(null));
    }

    private void putCredential(ObjectNode node, Channel c) {
        node.put("credential_set", c.credentialSealed() != null);
        if (c.credentialSealed() == null) {
            return;
        }
        try {
            node.put("credential_hint", hint(cipher.open(c.name(), c.credentialSealed())));
        } catch (IllegalArgumentException e) {
            node.put("credential_error", "the credential does not decrypt under this master key; set it again");
        }
    }

    /** {@code sk-…abcd}: the first 3 and last 4 characters. */
    static String hint(String credential) {
        if (credential.length() < HINT_MIN_LENGTH) {
            return "…";
        }
        return credential.substring(0, 3) + "…" + credential.substring(credential.length() - 4);
    }
}
