package io.modelbridge.gateway.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the rate-limit buckets live in Redis: {@code MB_RATE_LIMITS=redis://[[user]:password@]host[:port][/db]}, or
 * {@code rediss://} for TLS. {@link #toString()} never shows the credentials, so the record can be logged.
 */
public record RedisUrl(boolean tls, String host, int port, int database, Optional<String> user,
                       Optional<String> password) {
    private static final Pattern FORM = Pattern.compile("(?i)(rediss?)://(?:([^:@/]*):([^@/]*)@)?"
            + "(\\[[0-9A-Fa-f:.]+]|[^:/@\\[\\]]+)(?::(\\d{1,5}))?(?:/(\\d{1,2}))?/?");

    static boolean looksLikeOne(String value) {
        return value.regionMatches(true, 0, "redis://", 0, 8) || value.regionMatches(true, 0, "rediss://", 0, 9);
    }

    /** @throws IllegalArgumentException naming the expected form, never echoing the value (it may hold a password) */
    public static RedisUrl parse(String value) {
        Matcher m = FORM.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("MB_RATE_LIMITS is not a valid Redis URL; expected"
                    + " redis://[:password@]host:port[/db] or rediss://...");
        }
        int port = m.group(5) == null ? 6379 : Integer.parseInt(m.group(5));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("MB_RATE_LIMITS: the Redis port must be 1-65535, got " + port);
        }
        String host = m.group(4).startsWith("[") ? m.group(4).substring(1, m.group(4).length() - 1) : m.group(4);
        return new RedisUrl(m.group(1).equalsIgnoreCase("rediss"), host, port,
                m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), decoded(m.group(2)), decoded(m.group(3)));
    }

    private static Optional<String> decoded(String part) {
        return part == null || part.isEmpty() ? Optional.empty()
                : Optional.of(URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return (tls ? "rediss://" : "redis://") + (password.isPresent() ? "***@" : "")
                + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
    }
}
