package io.modelbridge.gateway.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MB_WARMUP: how long the gateway drives its own request path, on a throwaway gateway in the same JVM, before it
 * starts listening (docs/operations.md, "Warm start"). Off by default.
 *
 * @param length zero when off
 */
public record WarmupConfig(Duration length) {
    /** Longer gains nothing measurable (the hot path is compiled within seconds) and only delays the start. */
    static final Duration LONGEST = Duration.ofMinutes(5);
    private static final Pattern LENGTH = Pattern.compile("(\\d{1,4})\\s*(s|m)?");

    public WarmupConfig {
        if (length.isNegative() || length.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("MB_WARMUP must be between 0 and " + LONGEST.toSeconds() + "s, got "
                    + length.toSeconds() + "s");
        }
    }

    public boolean on() {
        return !length.isZero();
    }

    /** Reads MB_WARMUP: {@code off} (the default) or {@code 0}, else a length such as {@code 20s}, {@code 1m}, {@code 20}. */
    public static WarmupConfig fromEnvironment(Map<String, String> env) {
        Optional<String> value = new GatewayConfig.Env(env).optional("MB_WARMUP");
        if (value.isEmpty() || value.get().equalsIgnoreCase("off")) {
            return new WarmupConfig(Duration.ZERO);
        }
        Matcher m = LENGTH.matcher(value.get().toLowerCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("MB_WARMUP must be off or a length such as 20s or 1m, got '"
                    + value.get() + "'");
        }
        long amount = Long.parseLong(m.group(1));
        return new WarmupConfig("m".equals(m.group(2)) ? Duration.ofMinutes(amount) : Duration.ofSeconds(amount));
    }
}
