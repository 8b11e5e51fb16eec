package io.modelbridge.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.gateway.admin.AdminFixture.Reply;
import io.modelbridge.gateway.cluster.ChangeListener.Topic;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UsersAndQuotaTest {
    private AdminFixture admin;

    @BeforeEach
    void reset() {
        admin = AdminFixture.get().reset();
    }

    @Test
    void createListShowUpdateDelete() {
        Reply created = admin.post("/admin/v1/users",
                "{\"name\":\"alice\",\"email\":\"a@example.com\",\"role\":\"admin\",\"quota\":12.5}");
        assertEquals(201, created.status(), created.text());
        assertEquals("alice", created.body().path("name").asText());
        assertEquals("12.5", created.body().path("quota_balance").asText());
        assertEquals(List.of(Topic.USERS), admin.changes);

        assertEquals(1, admin.get("/admin/v1/users").body().path("data").size());
        assertEquals("admin", admin.get("/admin/v1/users/alice").body().path("role").asText());

        Reply patched = admin.patch("/admin/v1/users/alice", "{\"enabled\":false,\"email\":null}");
        assertEquals(200, patched.status(), patched.text());
        assertFalse(patched.body().path("enabled").asBoolean());
        assertTrue(patched.body().path("email").isNull());
        assertEquals("admin", patched.body().path("role").asText());

        assertEquals(200, admin.delete("/admin/v1/users/alice").status());
        assertEquals(404, admin.get("/admin/v1/users/alice").status());
    }

    @Test
    void validationErrorsNameTheField() {
        assertParam(admin.post("/admin/v1/users", "{}"), "name");
        assertParam(admin.post("/admin/v1/users", "{\"name\":\"bob\",\"role\":\"root\"}"), "role");
        assertParam(admin.post("/admin/v1/users", "{\"name\":\"bob\",\"enabled\":\"yes\"}"), "enabled");
        assertParam(admin.post("/admin/v1/users", "{\"name\":\"bob\",\"colour\":\"red\"}"), "colour");
        assertParam(admin.post("/admin/v1/users", "{\"name\":\"has space\"}"), "name");
        assertParam(admin.post("/admin/v1/users", "{\"name\":\"bob\",\"quota\":-1}"), "quota");
        assertEquals(List.of(), admin.changes);
    }

    @Test
    void aDuplicateNameIs409AndAnUnknownUser404() {
        admin.post("/admin/v1/users", "{\"name\":\"alice\"}");
        Reply duplicate = admin.post("/admin/v1/users", "{\"name\":\"alice\"}");
        assertEquals(409, duplicate.status());
        assertEquals("name", duplicate.error().path("param").asText());
        Reply missing = admin.patch("/admin/v1/users/nobody", "{\"enabled\":false}");
        assertEquals(404, missing.status());
        assertEquals("not_found", missing.error().path("code").asText());
        assertTrue(missing.error().path("message").asText().contains("nobody"));
    }

    @Test
    void grantsWriteTheLedgerAndTheBalance() {
        admin.post("/admin/v1/users", "{\"name\":\"alice\"}");
        Reply granted = admin.post("/admin/v1/users/alice/quota/grant", "{\"credits\":100,\"note\":\"trial\"}");
        assertEquals(200, granted.status(), granted.text());
        admin.post("/admin/v1/users/alice/quota/grant", "{\"credits\":-30}");
        Reply quota = admin.get("/admin/v1/users/alice/quota");
        assertEquals("70", quota.body().path("balance").asText());
        assertEquals("adjust", quota.body().path("ledger").get(0).path("kind").asText());
        assertEquals("100", quota.body().path("ledger").get(1).path("balance_after").asText());
        assertEquals("trial", quota.body().path("ledger").get(1).path("note").asText());
        assertParam(admin.post("/admin/v1/users/alice/quota/grant", "{\"credits\":0}"), "credits");
        assertEquals(404, admin.post("/admin/v1/users/bob/quota/grant", "{\"credits\":1}").status());
    }

    /**
     * A grant retried with its Idempotency-Key (its answer was lost, a payment webhook fired twice) is recorded once;
     * the key with another grant is refused.
     */
    @Test
    void aGrantRetriedWithItsIdempotencyKeyIsRecordedOnce() {
        admin.post("/admin/v1/users", "{\"name\":\"alice\"}");
        admin.post("/admin/v1/users", "{\"name\":\"bob\"}");
        Map<String, String> key = Map.of("Idempotency-Key", "payment-7f3a");
        String grant = "{\"credits\":50,\"note\":\"top-up\"}";
        Reply first = admin.post("/admin/v1/users/alice/quota/grant", grant, key);
        assertEquals(200, first.status(), first.text());
        assertTrue(first.headers().firstValue("Idempotent-Replayed").isEmpty(), "the first grant is no replay");
        Reply again = admin.post("/admin/v1/users/alice/quota/grant", grant, key);
        assertEquals(200, again.status(), again.text());
        assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(null));
        assertEquals("50", again.body().path("balance").asText(), again.text());

        JsonNode ledger = admin.get("/admin/v1/users/alice/quota").body().path("ledger");
        assertEquals(1, ledger.size(), ledger.toString());
        assertEquals("payment-7f3a", ledger.get(0).path("request_id").asText());

        for (String[] other : new String[][] {{"alice", "{\"credits\":60,\"note\":\"top-up\"}"},
                {"alice", "{\"credits\":50}"}, {"bob", grant}}) {
            Reply reused = admin.post("/admin/v1/users/" + other[0] + "/quota/grant", other[1], key);
            assertEquals(422, reused.status(), reused.text());
            assertEquals("idempotency_key_reused", reused.error().path("code").asText(), reused.text());
        }
        assertEquals("50", admin.get("/admin/v1/users/alice/quota").body().path("balance").asText());
        assertEquals("0", admin.get("/admin/v1/users/bob/quota").body().path("balance").asText());
        assertEquals(3, admin.get("/admin/v1/audit").body().path("data").size(), "two users created, one grant");

        assertParam(admin.post("/admin/v1/users/alice/quota/grant", grant, Map.of("Idempotency-Key", "")),
                "Idempotency-Key");
        assertParam(admin.post("/admin/v1/users/alice/quota/grant", grant,
                Map.of("Idempotency-Key", "x".repeat(256))), "Idempotency-Key");
        assertParam(admin.post("/admin/v1/users/alice/quota/grant", grant, Map.of("Idempotency-Key", "a b")),
                "Idempotency-Key");
    }

    static void assertParam(Reply reply, String param) {
        assertEquals(400, reply.status(), reply.text());
        assertEquals(param, reply.error().path("param").asText(), reply.text());
    }
}
