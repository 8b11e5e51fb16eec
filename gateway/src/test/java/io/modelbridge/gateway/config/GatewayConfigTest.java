package io.modelbridge.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
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

    @Test
    void mailIsSetUpByTheSmtpVariablesWithThePortOfItsSecurity() {
        assertTrue(GatewayConfig.fromEnvironment(Map.of()).portal().smtp().isEmpty(), "no MB_SMTP_HOST: no mail");
        PortalConfig.SmtpSettings tls = GatewayConfig.fromEnvironment(Map.of("MB_SMTP_HOST", "mail.example.com"))
                .portal().smtp().orElseThrow();
        assertEquals(587, tls.port());
        assertEquals("starttls", tls.security());
        assertEquals("modelbridge@mail.example.com", tls.from());
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
