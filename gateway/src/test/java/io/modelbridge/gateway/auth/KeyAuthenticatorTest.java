package io.modelbridge.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.ClientResponseTyped;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.DirectClient;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.modelbridge.db.Database;
import io.modelbridge.db.DbSettings;
import io.modelbridge.db.repo.ApiKeyEntry;
import io.modelbridge.db.repo.ApiKeyRepository;
import io.modelbridge.db.repo.KeySettings;
import io.modelbridge.db.repo.NewApiKey;
import io.modelbridge.db.repo.UserRepository;
import io.modelbridge.gateway.error.ErrorWriter;
import io.modelbridge.gateway.error.GatewayException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a client sees of key authentication, through Helidon's in-memory routing ({@link DirectClient}) over a real
 * embedded PostgreSQL: a route that authenticates the bearer key (as the API routes do) and answers with the key's
 * user, errors written by the gateway's {@link ErrorWriter} in OpenAI's shape.
 */
@RoutingTest
class KeyAuthenticatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-06-01T12:00:00Z");
    private static final AtomicLong NEXT = new AtomicLong();
    private static Database db;
    private static ApiKeyRepository keys;
    private static UserRepository users;
    private static LastUsedTracker lastUsed;
    private static KeyAuthenticator auth;
    /** The authenticator's clock: tests move it. */
    private static final MovableClock clock = new MovableClock();

    private final DirectClient client;

    KeyAuthenticatorTest(DirectClient client) {
        this.client = client;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) throws IOException {
        db = Database.start(DbSettings.embedded(Files.createTempDirectory("mb-key-auth-test")));
        keys = new ApiKeyRepository(db.dsl());
        users = new UserRepository(db.dsl());
        lastUsed = new LastUsedTracker(keys);
        auth = new KeyAuthenticator(keys, clock, lastUsed);
        ErrorWriter errors = new ErrorWriter(JSON);
        routing.error(GatewayException.class, (req, res, e) -> errors.write(res, e))
                .get("/whoami", (req, res) -> {
                    // The address the client connects from (the in-memory client names it as a host string).
                    InetSocketAddress peer = (InetSocketAddress) req.remotePeer().address();
                    Caller caller = auth.authenticate(req.headers().first(HeaderNames.AUTHORIZATION),
                            InetAddress.getByName(peer.getHostString()));
                    res.send(caller.key().userName());
                });
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void aLoopbackClientAtTheStartTime() {
        client.clientHost("127.0.0.1");
        clock.now = START;
    }

    @Test
    void aValidKeyIdentifiesItsUser() {
        Key key = newKey(List.of(), null);
        Reply reply = whoami("Bearer " + key.secret());
        assertEquals(200, reply.status());
        assertEquals(key.user(), reply.body());
        assertEquals(200, whoami("bearer   " + key.secret() + "  ").status(), "the scheme in any case, spaces around");
    }

    @Test
    void noKeyOrAnotherSchemeIs401AskingForABearerKey() {
        for (String header : new String[] {null, "", "Basic dXNlcjpwYXNz", "Bearer ", "Bearer    "}) {
            JsonNode error = whoami(header).error(401);
            assertEquals("invalid_api_key", error.get("code").asText());
            assertTrue(error.get("message").asText().startsWith("You didn't provide an API key."), error.toString());
        }
    }

    @Test
    void anUnknownKeyIs401AndTheAnswerShowsOnlyItsEnds() {
        String secret = "mb-unknown-0123456789abcdef";
        JsonNode error = whoami("Bearer " + secret).error(401);
        assertEquals("invalid_api_key", error.get("code").asText());
        assertEquals("Incorrect API key provided: mb-unk***cdef.", error.get("message").asText());
        assertFalse(error.toString().contains(secret));
    }

    @Test
    void aKeyCreatedAfterItsSecretWasTriedWorksOnceTheCacheIsDropped() {
        String secret = "mb-later-" + NEXT.incrementAndGet() + "-0123456789";
        whoami("Bearer " + secret).error(401); // the miss is cached
        long user = users.create("later-" + NEXT.incrementAndGet(), null, "user", true).id();
        keys.create(new NewApiKey(user, secret.substring(0, 8), ApiKeys.hash(secret), null, List.of(), List.of(),
                null, null, null));
        auth.invalidateAll(); // what a key change does, on every instance
        assertEquals(200, whoami("Bearer " + secret).status());
    }

    @Test
    void aDisabledOrRevokedKeyOrDisabledUserIsRefusedAtOnceAfterTheChange() {
        Key disabled = newKey(List.of(), null);
        Key revoked = newKey(List.of(), null);
        Key ofDisabledUser = newKey(List.of(), null);
        for (Key key : List.of(disabled, revoked, ofDisabledUser)) {
            assertEquals(200, whoami("Bearer " + key.secret()).status(), "cached as valid first");
        }
        keys.update(disabled.id(), new KeySettings(null, List.of(), List.of(), null, false, null, null));
        keys.revoke(revoked.id(), START);
        users.update(ofDisabledUser.userId(), null, "user", false);
        auth.invalidateAll();
        for (Key key : List.of(disabled, revoked, ofDisabledUser)) {
            JsonNode error = whoami("Bearer " + key.secret()).error(401);
            assertEquals("invalid_api_key", error.get("code").asText());
            assertEquals("This API key has been revoked or disabled.", error.get("message").asText());
        }
    }

    @Test
    void aKeyStopsWorkingTheMomentItExpiresWithoutACacheDrop() {
        Key key = newKey(List.of(), START.plusSeconds(10));
        assertEquals(200, whoami("Bearer " + key.secret()).status());
        clock.now = START.plusSeconds(10);
        JsonNode error = whoami("Bearer " + key.secret()).error(401);
        assertEquals("invalid_api_key", error.get("code").asText());
        assertEquals("This API key expired at " + START.plusSeconds(10) + ".", error.get("message").asText());
    }

    @Test
    void aKeyWithAnAllowListIsRefused403FromOtherAddresses() {
        Key key = newKey(List.of("10.0.0.0/8", "2001:db8::/32"), null);
        client.clientHost("10.20.30.40");
        assertEquals(200, whoami("Bearer " + key.secret()).status());
        client.clientHost("2001:db8::1");
        assertEquals(200, whoami("Bearer " + key.secret()).status());
        client.clientHost("192.168.1.7");
        JsonNode error = whoami("Bearer " + key.secret()).error(403);
        assertEquals("ip_not_allowed", error.get("code").asText());
        assertEquals("This API key may not be used from the address 192.168.1.7.", error.get("message").asText());
    }

    @Test
    void aStoredAllowListEntryThatDoesNotParseAllowsNothing() {
        Key key = newKey(List.of(), null);
        keys.update(key.id(), new KeySettings(null, List.of(), List.of("not-a-cidr"), null, true, null, null));
        auth.invalidateAll();
        whoami("Bearer " + key.secret()).error(403);
    }

    @Test
    void aSuccessfulCallIsRecordedAsTheKeysLastUseAtTheNextFlush() {
        Key used = newKey(List.of(), null);
        Key refused = newKey(List.of("10.0.0.0/8"), null);
        clock.now = START.plusSeconds(42);
        assertEquals(200, whoami("Bearer " + used.secret()).status());
        whoami("Bearer " + refused.secret()).error(403);
        assertNull(lastUsedAt(used), "written in batches, off the request path");
        lastUsed.flush();
        assertNotNull(lastUsedAt(used));
        assertEquals(START.plusSeconds(42), lastUsedAt(used));
        assertNull(lastUsedAt(refused), "a refused call is not a use");
    }

    private static Instant lastUsedAt(Key key) {
        return keys.find(key.id()).map(ApiKeyEntry::key).orElseThrow().lastUsedAt();
    }

    private record Key(long id, long userId, String user, String secret) {}

    private static Key newKey(List<String> allowedCidrs, Instant expiresAt) {
        String name = "user-" + NEXT.incrementAndGet();
        long user = users.create(name, null, "user", true).id();
        String secret = ApiKeys.PREFIX + "test-" + NEXT.incrementAndGet() + "-0123456789abcdef";
        long id = keys.create(new NewApiKey(user, secret.substring(0, 8), ApiKeys.hash(secret), null, List.of(),
                allowedCidrs, expiresAt, null, null)).key().id();
        return new Key(id, user, name, secret);
    }

    private record Reply(int status, String body) {
        JsonNode error(int expectedStatus) {
            assertEquals(expectedStatus, status, body);
            try {
                JsonNode error = JSON.readTree(body).get("error");
                for (String field : List.of("message", "type", "param", "code")) {
                    assertTrue(error.has(field), "OpenAI's error shape: " + body);
                }
                return error;
            } catch (IOException e) {
                throw new UncheckedIOException(body, e);
            }
        }
    }

    private Reply whoami(String authorization) {
        Http1ClientRequest request = client.get("/whoami");
        if (authorization != null) {
            request.header(HeaderNames.AUTHORIZATION, authorization);
        }
        ClientResponseTyped<String> res = request.request(String.class);
        return new Reply(res.status().code(), res.entity());
    }

    private static final class MovableClock extends Clock {
        volatile Instant now = START;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
