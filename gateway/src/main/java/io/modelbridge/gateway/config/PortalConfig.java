package io.modelbridge.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The self-service portal's start-up settings (who may register is data, changed with {@code mbctl portal}).
 *
 * @param publicUrl   MB_PUBLIC_URL: the gateway's address as users reach it (snippets, mail); empty: taken from
 *                    each request's Host header
 * @param smtp        MB_SMTP_*: how mail leaves; empty: no mail, so no sign-up or password reset
 * @param codeTtl     how long a mailed code stays good
 * @param sessionTtl  how long a sign-in lasts
 */
public record PortalConfig(Optional<URI> publicUrl, Optional<SmtpSettings> smtp, Duration codeTtl,
                           Duration sessionTtl) {

    /** @param security "starttls" (required), "ssl" (TLS from the first byte) or "none" */
    public record SmtpSettings(String host, int port, Optional<String> user, Optional<String> password, String from,
                               String security) {
        public SmtpSettings {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("MB_SMTP_PORT must be a port number (1-65535), got " + port);
            }
            if (!security.equals("starttls") && !security.equals("ssl") && !security.equals("none")) {
                throw new IllegalArgumentException("MB_SMTP_SECURITY must be starttls, ssl or none, got '" + security
                        + "'");
            }
            if (!from.contains("@")) {
                throw new IllegalArgumentException("MB_SMTP_FROM must be an email address, got '" + from + "'");
            }
        }

        @Override
        public String toString() { // never the password
            return "SmtpSettings[" + host + ":" + port + ", user=" + user.orElse("-") + ", security=" + security + "]";
        }
    }

    public static PortalConfig defaults() {
        return new PortalConfig(Optional.empty(), Optional.empty(), Duration.ofMinutes(15), Duration.ofDays(7));
    }

    public PortalConfig withSmtp(SmtpSettings settings) {
        return new PortalConfig(publicUrl, Optional.of(settings), codeTtl, sessionTtl);
    }

    static PortalConfig fromEnvironment(Map<String, String> env) {
        Optional<URI> url = opt(env, "MB_PUBLIC_URL").map(PortalConfig::publicUrl);
        Optional<SmtpSettings> smtp = opt(env, "MB_SMTP_HOST").map(host -> {
            String security = opt(env, "MB_SMTP_SECURITY").orElse("starttls");
            int port = opt(env, "MB_SMTP_PORT").map(p -> port(p))
                    .orElse(security.equals("ssl") ? 465 : security.equals("none") ? 25 : 587);
            return new SmtpSettings(host, port, opt(env, "MB_SMTP_USER"), opt(env, "MB_SMTP_PASSWORD"),
                    opt(env, "MB_SMTP_FROM").orElse("modelbridge@" + host), security);
        });
        return new PortalConfig(url, smtp, Duration.ofMinutes(15), Duration.ofDays(7));
    }

    private static URI publicUrl(String text) {
        URI uri = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("MB_PUBLIC_URL must be an http(s) URL such as https://llm.example.com,"
                    + " got '" + text + "'");
        }
        return uri;
    }

    private static int port(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("MB_SMTP_PORT must be a whole number, got '" + text + "'");
        }
    }

    private static Optional<String> opt(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }
}
