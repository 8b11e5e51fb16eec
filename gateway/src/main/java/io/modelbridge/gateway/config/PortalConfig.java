package io.modelbridge.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The self-service portal's start-up settings (who may register is data, changed with {@code mbctl portal}).
 *
 * @param publicUrl   MB_PUBLIC_URL: the gateway's address as users reach it (snippets, mail); empty: snippets
 *                    use each request's Host header and no mail is sent (a mailed link never comes from Host)
 * @param smtp        MB_SMTP_*: how mail leaves; empty: no mail, so no sign-up or password reset
 * @param codeTtl     how long a mailed code stays good
 * @param sessionTtl  how long a sign-in lasts
 */
public record PortalConfig(Optional<URI> publicUrl, Optional<SmtpSettings> smtp, Duration codeTtl,
                           Duration sessionTtl) {

    /**
     * @param from     MB_SMTP_FROM; empty: derived from MB_PUBLIC_URL (see {@link #sender()})
     * @param security "starttls" (required), "ssl" (TLS from the first byte) or "none"
     */
    public record SmtpSettings(String host, int port, Optional<String> user, Optional<String> password,
                               Optional<String> from, String security) {
        public SmtpSettings {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("MB_SMTP_PORT must be a port number (1-65535), got " + port);
            }
            if (!security.equals("starttls") && !security.equals("ssl") && !security.equals("none")) {
                throw new IllegalArgumentException("MB_SMTP_SECURITY must be starttls, ssl or none, got '" + security
                        + "'");
            }
            if (from.isPresent() && !MailSender.isValid(from.get())) {
                throw new IllegalArgumentException("MB_SMTP_FROM must be an address mail servers accept, a name at a "
                        + "domain name such as modelbridge@example.com (an IP address needs brackets: "
                        + "modelbridge@[192.0.2.1]), got '" + from.get() + "'");
            }
        }

        public SmtpSettings(String host, int port, Optional<String> user, Optional<String> password, String from,
                            String security) {
            this(host, port, user, password, Optional.of(from), security);
        }

        @Override
        public String toString() { // never the password
            return "SmtpSettings[" + host + ":" + port + ", user=" + user.orElse("-") + ", security=" + security + "]";
        }
    }

    private static final Duration CODE_TTL = Duration.ofMinutes(15);
    private static final Duration SESSION_TTL = Duration.ofDays(7);

    public static PortalConfig defaults() {
        return new PortalConfig(Optional.empty(), Optional.empty(), CODE_TTL, SESSION_TTL);
    }

    /**
     * The address portal mail is sent from: MB_SMTP_FROM, else {@code modelbridge@} MB_PUBLIC_URL's host when that
     * host is a domain name; empty when neither gives one (an IP or a single-label host such as localhost makes an
     * address mail servers refuse), and then mail is off.
     */
    public Optional<String> sender() {
        return smtp.flatMap(SmtpSettings::from).or(() -> publicUrl.map(URI::getHost)
                .filter(MailSender::isDomainName).map(host -> "modelbridge@" + host));
    }

    public PortalConfig withSmtp(SmtpSettings settings) {
        return new PortalConfig(publicUrl, Optional.of(settings), codeTtl, sessionTtl);
    }

    public PortalConfig withPublicUrl(URI url) {
        return new PortalConfig(Optional.of(url), smtp, codeTtl, sessionTtl);
    }

    static PortalConfig fromEnvironment(GatewayConfig.Env env) {
        Optional<URI> url = env.optional("MB_PUBLIC_URL").map(PortalConfig::publicUrl);
        Optional<SmtpSettings> smtp = env.optional("MB_SMTP_HOST").map(host -> {
            String security = env.text("MB_SMTP_SECURITY", "starttls");
            int port = env.integer("MB_SMTP_PORT", security.equals("ssl") ? 465 : security.equals("none") ? 25 : 587);
            return new SmtpSettings(host, port, env.optional("MB_SMTP_USER"), env.optional("MB_SMTP_PASSWORD"),
                    env.optional("MB_SMTP_FROM"), security);
        });
        return new PortalConfig(url, smtp, CODE_TTL, SESSION_TTL);
    }

    private static URI publicUrl(String text) {
        URI uri = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("MB_PUBLIC_URL must be an http(s) URL such as https://llm.example.com,"
                    + " got '" + text + "'");
        }
        return uri;
    }
}
