package io.modelbridge.gateway.routing;

import io.modelbridge.db.repo.Alias;
import io.modelbridge.db.repo.AliasRepository;
import io.modelbridge.db.repo.Channel;
import io.modelbridge.db.repo.ChannelRepository;
import io.modelbridge.gateway.crypto.CredentialCipher;
import io.modelbridge.spi.ProviderSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds a {@link RouteTable} from the channels and aliases in the database. */
public final class RouteLoader {
    private static final Logger LOG = LoggerFactory.getLogger(RouteLoader.class);
    private final ChannelRepository channels;
    private final AliasRepository aliases;
    private final CredentialCipher cipher;

    public RouteLoader(ChannelRepository channels, AliasRepository aliases, CredentialCipher cipher) {
        this.channels = channels;
        this.aliases = aliases;
        this.cipher = cipher;
    }

    public RouteTable load() {
        Map<String, Channel> byName = new HashMap<>();
        Map<String, ChannelRoute> routes = new HashMap<>();
        for (Channel c : channels.list()) {
            if (c.enabled()) {
                byName.put(c.name(), c);
                routes.put(c.name(), route(c));
            }
        }
        Map<String, List<Target>> channelModels = new HashMap<>();
        byName.values().forEach(c -> c.models().forEach(model -> channelModels
                .computeIfAbsent(model, m -> new ArrayList<>())
                .add(new Target(routes.get(c.name()), model, c.priority(), c.weight()))));
        Map<String, List<Target>> aliasTargets = new HashMap<>();
        for (Alias a : aliases.list()) {
            List<Target> targets = a.targets().stream()
                    .filter(t -> routes.containsKey(t.channel()))
                    .map(t -> new Target(routes.get(t.channel()),
                            t.upstreamModel() == null || t.upstreamModel().isBlank() ? a.name() : t.upstreamModel(),
                            t.priority(), t.weight()))
                    .toList();
            aliasTargets.put(a.name(), targets);
        }
        return new RouteTable(aliasTargets, channelModels, routes);
    }

    /** The channel as plugins see it, its credential decrypted (empty if it no longer decrypts). */
    public ChannelRoute route(Channel c) {
        String credential;
        try {
            credential = c.credentialSealed() == null ? "" : cipher.open(c.name(), c.credentialSealed());
        } catch (IllegalArgumentException e) {
            LOG.error("Channel {}: {}; it is served with an empty credential until it is set again", c.name(), e.getMessage());
            credential = "";
        }
        ProviderSettings settings = new ProviderSettings(c.name(), c.baseUrl() == null ? "" : c.baseUrl(), credential,
                Duration.ofMillis(c.connectTimeoutMs()), Duration.ofMillis(c.readTimeoutMs()), c.extras());
        return new ChannelRoute(c.id(), c.name(), c.provider(), settings, c.responsesNative());
    }
}
