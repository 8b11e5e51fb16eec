package io.modelbridge.gateway.admin;

import static io.modelbridge.gateway.admin.UsersAndQuotaTest.assertParam;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelbridge.db.repo.UsageRepository;
import io.modelbridge.db.repo.UsageRow;
import io.modelbridge.gateway.admin.AdminFixture.Reply;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PluginsUsageAuditTest {
    private AdminFixture admin;

    @BeforeEach
    void reset() {
        admin = AdminFixture.get().reset();
    }

    @Test
    void pluginsAreListedAndReloaded() {
        Reply list = admin.get("/admin/v1/plugins");
        assertEquals(2, list.body().path("data").size());
        assertEquals("openai", list.body().path("data").get(0).path("provider_ids").get(0).asText());
        assertEquals(200, admin.post("/admin/v1/plugins/openai/reload", null).status());
        assertEquals(404, admin.post("/admin/v1/plugins/nope/reload", null).status());
        assertEquals("plugin.reload", admin.get("/admin/v1/audit").body().path("data").get(0).path("action").asText());
    }

    @Test
    void usageIsFilteredAndGrouped() {
        long alice = admin.post("/admin/v1/users", "{\"name\":\"alice\"}").body().path("id").asLong();
        Instant now = Instant.now();
        new UsageRepository(admin.db.dsl()).insert(List.of(usage("r1", now, alice, "gpt", 200),
                usage("r2", now, alice, "glm", 500), usage("r3", now.minusSeconds(3 * 86400), alice, "gpt", 200)));
        Reply day = admin.get("/admin/v1/usage");
        assertEquals(2, day.body().path("totals").path("requests").asInt());
        assertEquals(1, day.body().path("totals").path("errors").asInt());
        assertEquals(2, day.body().path("data").size());
        Reply week = admin.get("/admin/v1/usage?since=7d&by=model&user=alice");
        assertEquals("gpt", week.body().path("groups").get(0).path("group").asText());
        assertEquals(2, week.body().path("groups").get(0).path("requests").asInt());
        assertEquals("0.02", week.body().path("groups").get(0).path("cost").asText());
        assertParam(admin.get("/admin/v1/usage?by=planet"), "by");
        assertParam(admin.get("/admin/v1/usage?since=yesterday"), "since");
        assertEquals(404, admin.get("/admin/v1/usage?user=bob").status());
    }

    @Test
    void everyChangeWritesOneAuditRowWithoutSecrets() {
        admin.post("/admin/v1/users", "{\"name\":\"alice\"}");
        String secret = admin.post("/admin/v1/keys", "{\"user\":\"alice\"}").body().path("key").asText();
        admin.patch("/admin/v1/users/alice", "{\"role\":\"admin\"}");
        admin.post("/admin/v1/users", "{\"name\":\"alice\"}"); // a 409 changes nothing
        Reply audit = admin.get("/admin/v1/audit?limit=10");
        assertEquals(3, audit.body().path("data").size());
        assertEquals("user.update", audit.body().path("data").get(0).path("action").asText());
        assertEquals("key.create", audit.body().path("data").get(1).path("action").asText());
        assertEquals("admin", audit.body().path("data").get(2).path("actor").asText());
        assertEquals(-1, audit.text().indexOf(secret.substring(11)));
        assertParam(admin.get("/admin/v1/audit?limit=0"), "limit");
    }

    private static UsageRow usage(String id, Instant at, long user, String alias, int status) {
        return new UsageRow(id, at, user, 1L, alias, "east", "openai", alias, false, 10, 5, false,
                new BigDecimal("0.01"), 100, null, status, status >= 400 ? "upstream_error" : null, null, null);
    }
}
