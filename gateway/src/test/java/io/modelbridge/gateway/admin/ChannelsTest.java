package io.modelbridge.gateway.admin;

import static io.modelbridge.gateway.admin.UsersAndQuotaTest.assertParam;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.db.jooq.Tables;
import io.modelbridge.gateway.admin.AdminFixture.Reply;
import io.modelbridge.gateway.cluster.ChangeListener.Topic;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChannelsTest {
    private static final String SECRET = "sk-live-0123456789abcdefWXYZ";
    private AdminFixture admin;

    @BeforeEach
    void reset() {
        admin = AdminFixture.get().reset();
    }

    @Test
    void theCredentialIsStoredSealedAndNeverReturned() {
        Reply created = admin.post("/admin/v1/channels", "{\"name\":\"east\",\"provider\":\"openai\",\"credential\":\""
                + SECRET + "\",\"models\":[\"gpt-4o\"],\"weight\":3,\"extras\":{\"org\":\"o-1\",\"beta\":true}}");
        assertEquals(201, created.status(), created.text());
        assertEquals(List.of(Topic.ROUTES), admin.changes);
        for (Reply reply : List.of(created, admin.get("/admin/v1/channels"), admin.get("/admin/v1/channels/east"),
                admin.get("/admin/v1/audit"))) {
            assertFalse(reply.text().contains(SECRET), reply.text());
            assertFalse(reply.text().contains("0123456789"), reply.text());
        }
        assertTrue(created.body().path("credential_set").asBoolean());
        assertEquals("sk-…WXYZ", created.body().path("credential_hint").asText());
        assertTrue(created.body().path("provider_available").asBoolean());
        assertEquals("true", created.body().path("extras").path("beta").asText());

        byte[] sealed = admin.db.dsl().select(Tables.CHANNELS.CREDENTIAL_SEALED).from(Tables.CHANNELS).fetchSingle()
                .value1();
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("0123456789"));
        assertEquals(SECRET, admin.cipher.open("east", sealed));
    }

    @Test
    void updateReplacesTheCredentialAndDeleteRemovesTheChannel() {
        admin.post("/admin/v1/channels", "{\"name\":\"east\",\"provider\":\"openai\",\"credential\":\"" + SECRET + "\"}");
        Reply patched = admin.patch("/admin/v1/channels/east",
                "{\"credential\":\"sk-other-credential-9999\",\"priority\":5,\"base_url\":\"https://proxy.local/v1\"}");
        assertEquals(200, patched.status(), patched.text());
        assertEquals("sk-…9999", patched.body().path("credential_hint").asText());
        assertEquals(5, patched.body().path("priority").asInt());
        assertEquals("https://proxy.local/v1", patched.body().path("base_url").asText());
        Reply cleared = admin.patch("/admin/v1/channels/east", "{\"credential\":null}");
        assertFalse(cleared.body().path("credential_set").asBoolean());
        assertEquals(200, admin.delete("/admin/v1/channels/east").status());
        assertEquals(404, admin.get("/admin/v1/channels/east").status());
    }

    @Test
    void validationErrorsNameTheField() {
        assertParam(admin.post("/admin/v1/channels", "{\"name\":\"x\",\"provider\":\"nope\"}"), "provider");
        assertParam(admin.post("/admin/v1/channels", "{\"name\":\"x\",\"provider\":\"openai\",\"weight\":0}"), "weight");
        assertParam(admin.post("/admin/v1/channels", "{\"name\":\"x\",\"provider\":\"openai\",\"base_url\":\"ftp://a\"}"),
                "base_url");
        assertParam(admin.post("/admin/v1/channels", "{\"name\":\"x\",\"provider\":\"openai\",\"extras\":{\"a\":[1]}}"),
                "extras.a");
        assertParam(admin.post("/admin/v1/channels", "{\"provider\":\"openai\"}"), "name");
        admin.post("/admin/v1/channels", "{\"name\":\"x\",\"provider\":\"openai\"}");
        assertEquals(409, admin.post("/admin/v1/channels", "{\"name\":\"x\",\"provider\":\"glm\"}").status());
        assertParam(admin.patch("/admin/v1/channels/x", "{\"name\":\"y\"}"), "name");
    }

    @Test
    void theCredentialCanBeComparedWithoutLeavingTheGateway() {
        admin.post("/admin/v1/channels", "{\"name\":\"east\",\"provider\":\"openai\",\"credential\":\"" + SECRET + "\"}");
        Reply same = admin.post("/admin/v1/channels/east/credential/check", "{\"credential\":\"" + SECRET + "\"}");
        assertEquals(200, same.status(), same.text());
        assertEquals("credential_check", same.body().path("object").asText());
        assertTrue(same.body().path("matches").asBoolean());
        assertFalse(same.text().contains(SECRET));
        Reply other = admin.post("/admin/v1/channels/east/credential/check", "{\"credential\":\"sk-something-else\"}");
        assertFalse(other.body().path("matches").asBoolean());
        admin.post("/admin/v1/channels", "{\"name\":\"bare\",\"provider\":\"openai\"}");
        assertFalse(admin.post("/admin/v1/channels/bare/credential/check", "{\"credential\":\"x\"}").body()
                .path("matches").asBoolean());
        assertParam(admin.post("/admin/v1/channels/east/credential/check", "{}"), "credential");
        assertEquals(404, admin.post("/admin/v1/channels/west/credential/check", "{\"credential\":\"x\"}").status());
        assertEquals(List.of(Topic.ROUTES, Topic.ROUTES), admin.changes, "a check changes nothing");
    }
}
