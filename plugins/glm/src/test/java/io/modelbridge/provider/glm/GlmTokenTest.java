package io.modelbridge.provider.glm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.compat.OpenAiJson;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The JWT Zhipu wants, and how long a signed one is reused. */
class GlmTokenTest {
    private static final GlmCredential KEY = new GlmCredential("0a1b2c3d4e5f", "TestSecretValue123");

    @Test
    void signsTheTestVectorOfVendorProtocolsExactly() {
        String token = GlmTokenSigner.sign(KEY, Instant.ofEpochMilli(1748847600000L), Instant.ofEpochMilli(1748851200000L));
        assertEquals("eyJhbGciOiJIUzI1NiIsInNpZ25fdHlwZSI6IlNJR04iLCJ0eXAiOiJKV1QifQ"
                + ".eyJhcGlfa2V5IjoiMGExYjJjM2Q0ZTVmIiwiZXhwIjoxNzQ4ODUxMjAwMDAwLCJ0aW1lc3RhbXAiOjE3NDg4NDc2MDAwMDB9"
                + ".sTdkYlAhg285q1IRzVqtLS3HPSdWJpHWOIcwH66Z_UQ", token);
    }

    @Test
    void claimsAreMillisecondsAndTheHeaderCarriesSignTypeSign() {
        Instant now = Instant.parse("2026-03-01T10:00:00.123Z");
        String[] parts = GlmTokenSigner.sign(KEY, now, now.plusSeconds(600)).split("\\.");
        JsonNode header = decode(parts[0]);
        JsonNode payload = decode(parts[1]);
        assertEquals("HS256", header.path("alg").asText());
        assertEquals("SIGN", header.path("sign_type").asText());
        assertEquals("0a1b2c3d4e5f", payload.path("api_key").asText());
        assertEquals(now.toEpochMilli(), payload.path("timestamp").asLong());
        assertEquals(now.toEpochMilli() + 600_000, payload.path("exp").asLong());
        assertFalse(parts[2].contains("="), "unpadded base64url");
    }

    @Test
    void aCachedTokenIsReusedUntilThreeMinutesBeforeItExpires() {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
        GlmTokenCache cache = new GlmTokenCache();
        Duration ttl = Duration.ofMinutes(10);
        String first = cache.token(KEY, ttl, clock);
        clock.advance(Duration.ofMinutes(6).plusSeconds(59));
        assertEquals(first, cache.token(KEY, ttl, clock), "still more than 3 minutes left");
        clock.advance(Duration.ofSeconds(1));
        String second = cache.token(KEY, ttl, clock);
        assertNotEquals(first, second, "exactly 3 minutes left: signed afresh");
        assertEquals(clock.instant().toEpochMilli() + ttl.toMillis(), decode(second.split("\\.")[1]).path("exp").asLong());
    }

    @Test
    void eachCredentialHasItsOwnTokenAndInvalidationDropsOnlyTheNamedToken() {
        Clock clock = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
        GlmTokenCache cache = new GlmTokenCache();
        Duration ttl = Duration.ofMinutes(10);
        GlmCredential other = new GlmCredential("0a1b2c3d4e5f", "AnotherSecret000");
        String mine = cache.token(KEY, ttl, clock);
        assertNotEquals(mine, cache.token(other, ttl, clock), "same id, other secret: another signature");
        cache.invalidate(KEY, ttl, "not-the-cached-token");
        assertEquals(mine, cache.token(KEY, ttl, clock));
        cache.invalidate(KEY, ttl, mine);
        assertEquals(1, cache.size());
    }

    @Test
    void theCacheStaysBounded() {
        Clock clock = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
        GlmTokenCache cache = new GlmTokenCache();
        for (int i = 0; i < GlmTokenCache.MAX_ENTRIES * 3; i++) {
            cache.token(new GlmCredential("id" + i, "secret" + i), GlmTokenCache.DEFAULT_TTL, clock);
            assertTrue(cache.size() <= GlmTokenCache.MAX_ENTRIES, "size " + cache.size());
        }
    }

    @Test
    void credentialsMustBeIdDotSecretAndNeverPrintTheSecret() {
        GlmCredential parsed = GlmCredential.parse(" abc123.s3cr3tValue ");
        assertEquals("abc123", parsed.id());
        assertEquals("s3cr3tValue", parsed.secret());
        assertFalse(parsed.toString().contains("s3cr3tValue"));
        for (String bad : new String[] {"no-dot", ".secret", "id.", "a.b.c", ""}) {
            ProviderException e = assertThrows(ProviderException.class, () -> GlmCredential.parse(bad));
            assertEquals(Kind.AUTH, e.failure().kind());
            assertEquals("the channel's GLM credential is not of the form id.secret", e.failure().message());
        }
    }

    private static JsonNode decode(String segment) {
        return OpenAiJson.parse(new String(Base64.getUrlDecoder().decode(segment), StandardCharsets.UTF_8)).orElseThrow();
    }

    /** A clock the test moves forward. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
