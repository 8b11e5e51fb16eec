package io.modelbridge.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    @Test
    void defaultsMatchTheReadme() {
        GatewayConfig c = GatewayConfig.fromEnvironment(Map.of());
        assertEquals("127.0.0.1", c.host());
        assertEquals(8080, c.port());
        assertEquals(8081, c.adminPort());
        assertTrue(c.dataDir().endsWith("data"));
        assertEquals(c.dataDir().resolve("plugins"), c.pluginsDir());
        assertTrue(c.dbUrl().isEmpty());
    }

    @Test
    void aLibpqDbUrlGivesUserAndPasswordUnlessMbDbUserAndPasswordAreSet() {
        GatewayConfig fromUrl = GatewayConfig.fromEnvironment(Map.of(
                "MB_DB_URL", "postgres://gw:pw@db:5432/mb?sslmode=require", "MB_DB_SCHEMA", "mb"));
        assertEquals("jdbc:postgresql://db:5432/mb?sslmode=require&currentSchema=mb", fromUrl.dbUrl().orElseThrow());
        assertEquals("gw", fromUrl.dbUser());
        assertEquals("pw", fromUrl.dbPassword());
        GatewayConfig fromVariables = GatewayConfig.fromEnvironment(Map.of(
                "MB_DB_URL", "postgres://gw:pw@db/mb", "MB_DB_USER", "ops", "MB_DB_PASSWORD", "other"));
        assertEquals("ops", fromVariables.dbUser());
        assertEquals("other", fromVariables.dbPassword());
        GatewayConfig neither = GatewayConfig.fromEnvironment(Map.of("MB_DB_URL", "jdbc:postgresql://db/mb"));
        assertEquals("postgres", neither.dbUser());
        assertEquals("", neither.dbPassword());
        var e = assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.fromEnvironment(Map.of("MB_DB_SCHEMA", "mb")));
        assertTrue(e.getMessage().startsWith("MB_DB_SCHEMA needs MB_DB_URL"), e.getMessage());
    }

    @Test
    void badValuesFailWithTheVariableName() {
        var e = assertThrows(IllegalArgumentException.class, () -> GatewayConfig.fromEnvironment(Map.of("MB_PORT", "eighty")));
        assertTrue(e.getMessage().contains("MB_PORT"));
        e = assertThrows(IllegalArgumentException.class, () -> GatewayConfig.fromEnvironment(Map.of("MB_ADMIN_PORT", "8080")));
        assertTrue(e.getMessage().contains("MB_ADMIN_PORT"));
    }

    /** Mail servers refuse modelbridge@127.0.0.1: a sender is given, or derived from a domain name, or mail is off. */
    @Test
    void theSenderIsGivenOrDerivedFromThePublicUrlsDomainNameNeverFromAnIp() {
        Map<String, String> smtp = Map.of("MB_SMTP_HOST", "127.0.0.1");
        assertEquals(Optional.of("modelbridge@llm.example.com"), sender(smtp, "MB_PUBLIC_URL", "https://llm.example.com"));
        assertEquals(Optional.empty(), sender(smtp, "MB_PUBLIC_URL", "http://127.0.0.1:8080"));
        assertEquals(Optional.empty(), sender(smtp, "MB_PUBLIC_URL", "http://localhost:8080"));
        assertEquals(Optional.empty(), sender(smtp, "MB_PUBLIC_URL", "http://[::1]:8080"));
        assertEquals(Optional.empty(), sender(smtp, "MB_PUBLIC_URL", "http://10.0.0.7"));
        assertEquals(Optional.of("noreply@mail.example.org"), sender(Map.of("MB_SMTP_HOST", "127.0.0.1",
                "MB_PUBLIC_URL", "http://127.0.0.1:8080"), "MB_SMTP_FROM", "noreply@mail.example.org"));
        assertEquals(Optional.of("mb@[192.0.2.1]"), sender(smtp, "MB_SMTP_FROM", "mb@[192.0.2.1]"));
        for (String bad : List.of("modelbridge@127.0.0.1", "modelbridge@localhost", "modelbridge", "@example.com",
                "a b@example.com", "mb@exa_mple.com", "mb@-x.com")) {
            var e = assertThrows(IllegalArgumentException.class, () -> sender(smtp, "MB_SMTP_FROM", bad), bad);
            assertTrue(e.getMessage().startsWith("MB_SMTP_FROM must be an address mail servers accept"), e.getMessage());
        }
    }

    private static Optional<String> sender(Map<String, String> env, String name, String value) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put(name, value);
        return GatewayConfig.fromEnvironment(all).portal().sender();
    }

    @Test
    void mailIsSetUpByTheSmtpVariablesWithThePortOfItsSecurity() {
        assertTrue(GatewayConfig.fromEnvironment(Map.of()).portal().smtp().isEmpty(), "no MB_SMTP_HOST: no mail");
        PortalConfig.SmtpSettings tls = GatewayConfig.fromEnvironment(Map.of("MB_SMTP_HOST", "mail.example.com"))
                .portal().smtp().orElseThrow();
        assertEquals(587, tls.port());
        assertEquals("starttls", tls.security());
        assertEquals(Optional.empty(), tls.from(), "no MB_SMTP_FROM: derived from MB_PUBLIC_URL");
        assertEquals(465, GatewayConfig.fromEnvironment(Map.of("MB_SMTP_HOST", "m", "MB_SMTP_SECURITY", "ssl",
                "MB_SMTP_FROM", "a@b.c")).portal().smtp().orElseThrow().port());
        assertEquals(2525, GatewayConfig.fromEnvironment(Map.of("MB_SMTP_HOST", "m", "MB_SMTP_PORT", " 2525 ",
                "MB_SMTP_FROM", "a@b.c")).portal().smtp().orElseThrow().port());
        var e = assertThrows(IllegalArgumentException.class, () -> GatewayConfig.fromEnvironment(
                Map.of("MB_SMTP_HOST", "m", "MB_SMTP_PORT", "smtp")));
        assertEquals("MB_SMTP_PORT must be a whole number, got 'smtp'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GatewayConfig.fromEnvironment(
                Map.of("MB_PUBLIC_URL", "ftp://example.com")));
        assertTrue(e.getMessage().startsWith("MB_PUBLIC_URL must be an http(s) URL"), e.getMessage());
    }
}
