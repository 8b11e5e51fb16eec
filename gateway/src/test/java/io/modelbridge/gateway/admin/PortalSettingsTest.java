package io.modelbridge.gateway.admin;

import static io.modelbridge.gateway.admin.UsersAndQuotaTest.assertParam;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.gateway.admin.AdminFixture.Reply;
import io.modelbridge.gateway.cluster.ChangeListener.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PortalSettingsTest {
    private AdminFixture admin;

    @BeforeEach
    void reset() {
        admin = AdminFixture.get().reset();
    }

    @Test
    void defaultsAreOpenToAnyDomainWithNothingFree() {
        Reply shown = admin.get("/admin/v1/portal");
        assertEquals(200, shown.status(), shown.text());
        assertEquals("{\"object\":\"portal_settings\",\"registration\":\"open\",\"allowed_domains\":[],"
                + "\"free_quota\":0,\"rpm\":null,\"tpm\":null,\"models\":[]}", shown.text());
    }

    @Test
    void patchChangesOnlyTheFieldsGiven() {
        Reply patched = admin.patch("/admin/v1/portal", "{\"registration\":\"invite\"}");
        assertEquals(200, patched.status(), patched.text());
        assertEquals("invite", patched.body().path("registration").asText());
        assertEquals(List.of(Topic.USERS), admin.changes);

        admin.patch("/admin/v1/portal", "{\"allowed_domains\":[\"Example.COM\",\"b.example.org\",\"example.com\"]}");
        admin.patch("/admin/v1/portal", "{\"free_quota\":\"12.50\"}");
        admin.patch("/admin/v1/portal", "{\"rpm\":60,\"tpm\":100000}");
        Reply last = admin.patch("/admin/v1/portal", "{\"models\":[\"gpt-4o-mini\",\"meta/llama-3\"]}");
        assertEquals(200, last.status(), last.text());

        JsonNode s = admin.get("/admin/v1/portal").body();
        assertEquals("invite", s.path("registration").asText());
        assertEquals(List.of("example.com", "b.example.org"), strings(s.path("allowed_domains")));
        assertEquals("12.5", s.path("free_quota").asText());
        assertEquals(60, s.path("rpm").asInt());
        assertEquals(100000, s.path("tpm").asInt());
        assertEquals(List.of("gpt-4o-mini", "meta/llama-3"), strings(s.path("models")));
        assertEquals(s, last.body(), "PATCH answers the new settings");

        Reply cleared = admin.patch("/admin/v1/portal", "{\"rpm\":null,\"allowed_domains\":[],\"models\":null}");
        assertEquals(200, cleared.status(), cleared.text());
        assertTrue(cleared.body().path("rpm").isNull());
        assertEquals(100000, cleared.body().path("tpm").asInt(), "tpm was not in the body");
        assertEquals(List.of(), strings(cleared.body().path("allowed_domains")));
        assertEquals(List.of(), strings(cleared.body().path("models")));
        assertEquals("12.5", cleared.body().path("free_quota").asText());
    }

    @Test
    void updatesAreAudited() {
        admin.patch("/admin/v1/portal", "{\"registration\":\"closed\"}");
        JsonNode entry = admin.get("/admin/v1/audit?limit=1").body().path("data").get(0);
        assertEquals("portal.update", entry.path("action").asText());
        assertEquals("portal_settings", entry.path("object_type").asText());
        assertTrue(entry.toString().contains("closed"), entry.toString());
    }

    @Test
    void validationErrorsNameTheField() {
        assertParam(admin.patch("/admin/v1/portal", "{\"registration\":\"public\"}"), "registration");
        assertParam(admin.patch("/admin/v1/portal", "{\"registration\":null}"), "registration");
        assertParam(admin.patch("/admin/v1/portal", "{\"free_quota\":-1}"), "free_quota");
        assertParam(admin.patch("/admin/v1/portal", "{\"free_quota\":\"lots\"}"), "free_quota");
        assertParam(admin.patch("/admin/v1/portal", "{\"free_quota\":null}"), "free_quota");
        assertParam(admin.patch("/admin/v1/portal", "{\"free_quota\":0.0000001}"), "free_quota");
        assertParam(admin.patch("/admin/v1/portal", "{\"rpm\":0}"), "rpm");
        assertParam(admin.patch("/admin/v1/portal", "{\"tpm\":-5}"), "tpm");
        assertParam(admin.patch("/admin/v1/portal", "{\"tpm\":1.5}"), "tpm");
        assertParam(admin.patch("/admin/v1/portal", "{\"allowed_domains\":[\"alice@example.com\"]}"),
                "allowed_domains");
        assertParam(admin.patch("/admin/v1/portal", "{\"allowed_domains\":[\"localhost\"]}"), "allowed_domains");
        assertParam(admin.patch("/admin/v1/portal", "{\"allowed_domains\":[\"-bad.com\"]}"), "allowed_domains");
        assertParam(admin.patch("/admin/v1/portal", "{\"allowed_domains\":[\"a..com\"]}"), "allowed_domains");
        assertParam(admin.patch("/admin/v1/portal", "{\"allowed_domains\":\"example.com\"}"), "allowed_domains");
        assertParam(admin.patch("/admin/v1/portal", "{\"models\":[\"has space\"]}"), "models");
        assertParam(admin.patch("/admin/v1/portal", "{\"models\":[\"\"]}"), "models");
        assertEquals(List.of(), admin.changes);
        assertEquals("open", admin.get("/admin/v1/portal").body().path("registration").asText());
    }

    @Test
    void unknownFieldsAreRefused() {
        Reply reply = admin.patch("/admin/v1/portal", "{\"registration\":\"open\",\"captcha\":true}");
        assertParam(reply, "captcha");
        assertTrue(reply.error().path("message").asText().contains("allowed_domains"), reply.text());
        assertParam(admin.post("/admin/v1/portal/invites", "{\"code\":\"inv-mine\"}"), "code");
        assertEquals(List.of(), admin.changes);
    }

    @Test
    void invitesAreCreatedListedAndDeleted() {
        Reply created = admin.post("/admin/v1/portal/invites", "{}");
        assertEquals(201, created.status(), created.text());
        JsonNode invite = created.body();
        assertEquals("portal_invite", invite.path("object").asText());
        assertTrue(invite.path("code").asText().matches("inv-[A-Za-z0-9_-]{16}"), invite.toString());
        assertEquals(1, invite.path("max_uses").asInt());
        assertEquals(0, invite.path("uses").asInt());
        assertTrue(invite.path("expires_at").isNull());
        assertFalse(invite.path("created_at").isNull());
        assertEquals(List.of(Topic.USERS), admin.changes);

        Reply week = admin.post("/admin/v1/portal/invites", "{\"uses\":5,\"expires_in\":\"7d\"}");
        assertEquals(201, week.status(), week.text());
        assertEquals(5, week.body().path("max_uses").asInt());
        Instant expires = Instant.parse(week.body().path("expires_at").asText());
        Duration left = Duration.between(Instant.now(), expires);
        assertTrue(left.compareTo(Duration.ofDays(7).minusMinutes(1)) > 0 && left.compareTo(Duration.ofDays(7)) <= 0,
                left.toString());
        Reply dated = admin.post("/admin/v1/portal/invites", "{\"expires_at\":\"2099-01-31T00:00:00Z\"}");
        assertEquals("2099-01-31T00:00:00Z", dated.body().path("expires_at").asText());
        assertNotEquals(invite.path("code"), week.body().path("code"));

        Reply list = admin.get("/admin/v1/portal/invites");
        assertEquals(200, list.status(), list.text());
        assertEquals("list", list.body().path("object").asText());
        assertEquals(3, list.body().path("data").size());
        assertEquals(invite, list.body().path("data").get(0));

        String code = invite.path("code").asText();
        Reply deleted = admin.delete("/admin/v1/portal/invites/" + code);
        assertEquals(200, deleted.status(), deleted.text());
        assertEquals("{\"object\":\"portal_invite\",\"code\":\"" + code + "\",\"deleted\":true}", deleted.text());
        assertEquals(2, admin.get("/admin/v1/portal/invites").body().path("data").size());
        Reply again = admin.delete("/admin/v1/portal/invites/" + code);
        assertEquals(404, again.status(), again.text());
        assertEquals("not_found", again.error().path("code").asText());
        assertEquals(404, admin.delete("/admin/v1/portal/invites/inv-nosuchcode").status());
    }

    @Test
    void theAuditKeepsOnlyTheStartOfAnInviteCode() {
        String code = admin.post("/admin/v1/portal/invites", "{\"uses\":2}").body().path("code").asText();
        admin.delete("/admin/v1/portal/invites/" + code);
        JsonNode entries = admin.get("/admin/v1/audit?limit=2").body().path("data");
        assertEquals("portal.invite.delete", entries.get(0).path("action").asText());
        assertEquals("portal.invite.create", entries.get(1).path("action").asText());
        assertEquals(code.substring(0, 8) + "…", entries.get(1).path("object_name").asText());
        assertFalse(entries.toString().contains(code), entries.toString());
    }

    @Test
    void inviteValidationNamesTheField() {
        assertParam(admin.post("/admin/v1/portal/invites", "{\"uses\":0}"), "uses");
        assertParam(admin.post("/admin/v1/portal/invites", "{\"uses\":\"many\"}"), "uses");
        assertParam(admin.post("/admin/v1/portal/invites", "{\"expires_in\":\"soon\"}"), "expires_in");
        assertParam(admin.post("/admin/v1/portal/invites", "{\"expires_at\":\"tomorrow\"}"), "expires_at");
        assertParam(admin.post("/admin/v1/portal/invites", "{\"expires_at\":\"2001-01-01T00:00:00Z\"}"), "expires_at");
        assertParam(admin.post("/admin/v1/portal/invites",
                "{\"expires_in\":\"7d\",\"expires_at\":\"2099-01-01T00:00:00Z\"}"), "expires_in");
        assertEquals(List.of(), admin.changes);
        assertEquals(0, admin.get("/admin/v1/portal/invites").body().path("data").size());
    }

    @Test
    void theAdminTokenIsRequired() {
        assertEquals(401, admin.call("GET", "/admin/v1/portal", null, null).status());
        assertEquals(401, admin.call("POST", "/admin/v1/portal/invites", "{}", "wrong").status());
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
