package io.modelbridge.gateway.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the plugin host treats the jars dropped into its folder.
 *
 * @param overrides    MB_PLUGINS_OVERRIDE: ids of bundled plugins that a dropped jar with the same Plugin-Id may
 *                     replace (each replacement is logged); any other such jar is refused
 * @param startTimeout MB_PLUGIN_START_TIMEOUT_SECONDS: the longest a jar may take to load, start and pass its checks;
 *                     a slower one is FAILED and unloaded
 */
public record PluginConfig(Set<String> overrides, Duration startTimeout) {
    public PluginConfig {
        overrides = Set.copyOf(overrides);
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("MB_PLUGIN_START_TIMEOUT_SECONDS must be at least 1, got "
                    + startTimeout.toSeconds());
        }
    }

    public static PluginConfig defaults() {
        return new PluginConfig(Set.of(), Duration.ofSeconds(20));
    }

    static PluginConfig fromEnvironment(GatewayConfig.Env env) {
        Set<String> overrides = env.optional("MB_PLUGINS_OVERRIDE").stream()
                .flatMap(v -> Arrays.stream(v.split(","))).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
        return new PluginConfig(overrides, Duration.ofSeconds(env.integer("MB_PLUGIN_START_TIMEOUT_SECONDS", 20)));
    }
}
