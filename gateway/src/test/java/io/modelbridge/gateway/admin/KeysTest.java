package io.modelbridge.gateway.admin;

import static io.modelbridge.gateway.admin.UsersAndQuotaTest.assertParam;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.db.jooq.Tables;
import io.modelbridge.db.repo.ApiKeyRepository;
import io.modelbridge.gateway.admin.AdminFixture.Reply;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeysTest {
    private AdminFixture admin;

    @BeforeEach
    void reset() {
        admin = AdminFixture.get().reset();
        admin.post("/admin/v1/users", "{\"name\":\"alice\"}");
    }

    @Test
    void theSecretIsShownOnceAndOnlyItsHashIsStored() throws Exception {
        Reply created = admin.post("/admin/v1/keys",
                "{\"user\":\"alice\",\"label\":\"ci\",\"models\":[\"gpt-4o\"],\"cidrs\":[\"10.0.0.0/8\"],"
                        + "\"expires_in\":\"30d\",\"rpm\":60}");
        assertEquals(201, created.status(), created.text());
        String secret = created.body().path("key").asText();
        assertTrue(secret.matches("mb-[A-Za-z0-9_-]{43}"), secret);
        assertEquals(secret.substring(0, 11), created.body().path("prefix").asText());
        Instant expires = Instant.parse(created.body().path("expires_at").asText());
        assertTrue(Duration.between(Instant.now(), expires).toDays() >= 29);

        long id = created.body().path("id").asLong();
        Reply shown = admin.get("/admin/v1/keys/" + id);
        assertFalse(shown.body().has("key"));
        assertFalse(shown.text().contains(secret.substring(11)));
        assertFalse(admin.get("/admin/v1/keys?user=alice").text().contains(secret.substring(11)));

        byte[] stored = admin.db.dsl().select(Tables.API_KEYS.KEY_HASH).from(Tables.API_KEYS).fetchSingle().value1();
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)), stored);
        assertTrue(new ApiKeyRepository(admin.db.dsl()).findByHash(stored).isPresent());
    }

    @Test
    void updateRevokeAndDelete() {
        long id = admin.post("/admin/v1/keys", "{\"user\":\"alice\"}").body().path("id").asLong();
        Reply patched = admin.patch("/admin/v1/keys/" + id,
                "{\"label\":\"renamed\",\"tpm\":1000,\"expires_at\":\"2099-01-01T00:00:00Z\"}");
        assertEquals(200, patched.status(), patched.text());
        assertEquals("renamed", patched.body().path("label").asText());
        assertEquals(1000, patched.body().path("tpm").asInt());
        assertEquals("2099-01-01T00:00:00Z", patched.body().path("expires_at").asText());

        Reply revoked = admin.post("/admin/v1/keys/" + id + "/revoke", null);
        assertEquals(200, revoked.status(), revoked.text());
        assertTrue(revoked.body().path("revoked").asBoolean());
        assertParam(admin.patch("/admin/v1/keys/" + id, "{\"enabled\":true}"), "enabled");

        assertEquals(200, admin.delete("/admin/v1/keys/" + id).status());
        assertEquals(404, admin.get("/admin/v1/keys/" + id).status());
        assertEquals(404, admin.delete("/admin/v1/keys/" + id).status());
    }

    @Test
    void allowedAddressesAreCheckedByTheParserTheAuthenticatorMatchesWith() {
        Reply created = admin.post("/admin/v1/keys",
                "{\"user\":\"alice\",\"cidrs\":[\"10.0.0.0/8\",\"203.0.113.7\",\"2001:db8::/32\",\"::1\"]}");
        assertEquals(201, created.status(), created.text());
        assertEquals("[\"10.0.0.0/8\",\"203.0.113.7\",\"2001:db8::/32\",\"::1\"]",
                created.body().path("cidrs").toString());
        for (String bad : List.of("example.com", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/+8", "10.0.0.0/")) {
            Reply refused = admin.post("/admin/v1/keys", "{\"user\":\"alice\",\"cidrs\":[\"" + bad + "\"]}");
            assertParam(refused, "cidrs");
            assertEquals("'cidrs' has '" + bad + "', which is not an IP address or CIDR block such as 10.0.0.0/8.",
                    refused.error().path("message").asText(), bad);
        }
        long id = created.body().path("id").asLong();
        assertParam(admin.patch("/admin/v1/keys/" + id, "{\"cidrs\":[\"10.0.0.0/-0\"]}"), "cidrs");
        assertEquals(1, admin.db.dsl().fetchCount(Tables.API_KEYS));
    }

    @Test
    void validationErrorsNameTheField() {
        assertParam(admin.post("/admin/v1/keys", "{}"), "user");
        assertParam(admin.post("/admin/v1/keys", "{\"user\":\"alice\",\"cidrs\":[\"example.com\"]}"), "cidrs");
        assertParam(admin.post("/admin/v1/keys", "{\"user\":\"alice\",\"expires_in\":\"soon\"}"), "expires_in");
        assertParam(admin.post("/admin/v1/keys", "{\"user\":\"alice\",\"expires_at\":\"2001-01-01T00:00:00Z\"}"),
                "expires_at");
        assertParam(admin.post("/admin/v1/keys", "{\"user\":\"alice\",\"rpm\":0}"), "rpm");
        assertParam(admin.post("/admin/v1/keys", "{\"user\":\"alice\",\"models\":\"gpt\"}"), "models");
        assertParam(admin.post("/admin/v1/keys", "{\"user\":\"bob\"}"), "user");
        assertEquals(0, admin.db.dsl().fetchCount(Tables.API_KEYS));
    }
}
