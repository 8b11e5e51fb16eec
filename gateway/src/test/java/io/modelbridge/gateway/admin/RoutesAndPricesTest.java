package io.modelbridge.gateway.admin;

import static io.modelbridge.gateway.admin.UsersAndQuotaTest.assertParam;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelbridge.gateway.admin.AdminFixture.Reply;
import io.modelbridge.gateway.cluster.ChangeListener.Topic;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoutesAndPricesTest {
    private AdminFixture admin;

    @BeforeEach
    void reset() {
        admin = AdminFixture.get().reset();
        admin.post("/admin/v1/channels", "{\"name\":\"east\",\"provider\":\"openai\"}");
        admin.post("/admin/v1/channels", "{\"name\":\"west\",\"provider\":\"glm\"}");
        admin.changes.clear();
    }

    @Test
    void aliasesReplaceTheirTargets() {
        Reply put = admin.put("/admin/v1/aliases/smart", "{\"description\":\"best\",\"targets\":["
                + "{\"channel\":\"west\",\"model\":\"glm-4\",\"priority\":1},{\"channel\":\"east\",\"weight\":2}]}");
        assertEquals(200, put.status(), put.text());
        assertEquals("east", put.body().path("targets").get(0).path("channel").asText());
        assertEquals(List.of(Topic.ROUTES), admin.changes);
        admin.put("/admin/v1/aliases/smart", "{\"targets\":[{\"channel\":\"west\"}]}");
        Reply shown = admin.get("/admin/v1/aliases/smart");
        assertEquals(1, shown.body().path("targets").size());
        assertEquals(1, admin.get("/admin/v1/aliases").body().path("data").size());
        assertEquals(200, admin.delete("/admin/v1/aliases/smart").status());
        assertEquals(404, admin.get("/admin/v1/aliases/smart").status());
    }

    @Test
    void aliasValidationNamesTheTargetField() {
        assertParam(admin.put("/admin/v1/aliases/a", "{\"targets\":[{\"channel\":\"nowhere\"}]}"), "targets[0].channel");
        assertParam(admin.put("/admin/v1/aliases/a", "{\"targets\":[{\"channel\":\"east\"},{\"channel\":\"east\","
                + "\"weight\":-1}]}"), "targets[1].weight");
        assertParam(admin.put("/admin/v1/aliases/a", "{\"targets\":[{\"channel\":\"east\",\"x\":1}]}"), "targets[0].x");
        assertParam(admin.put("/admin/v1/aliases/a", "{}"), "targets");
    }

    @Test
    void limitsArePutListedAndDeleted() {
        admin.post("/admin/v1/users", "{\"name\":\"alice\"}");
        assertEquals(200, admin.put("/admin/v1/limits", "{\"scope\":\"global\",\"rpm\":100}").status());
        assertEquals(200, admin.put("/admin/v1/limits", "{\"scope\":\"user\",\"subject\":\"alice\",\"tpm\":9}").status());
        assertEquals(200, admin.put("/admin/v1/limits", "{\"scope\":\"global\",\"rpm\":200}").status());
        Reply list = admin.get("/admin/v1/limits");
        assertEquals(2, list.body().path("data").size());
        assertEquals(200, list.body().path("data").get(0).path("rpm").asInt());
        assertParam(admin.put("/admin/v1/limits", "{\"scope\":\"planet\",\"rpm\":1}"), "scope");
        assertParam(admin.put("/admin/v1/limits", "{\"scope\":\"user\",\"subject\":\"bob\",\"rpm\":1}"), "subject");
        assertParam(admin.put("/admin/v1/limits", "{\"scope\":\"global\"}"), "rpm");
        assertEquals(200, admin.delete("/admin/v1/limits?scope=user&subject=alice").status());
        assertEquals(404, admin.delete("/admin/v1/limits?scope=user&subject=alice").status());
    }

    @Test
    void pricesArePutListedAndDeleted() {
        Reply put = admin.put("/admin/v1/prices/gpt-4o", "{\"input_per_1k\":0.0025,\"output_per_1k\":\"0.01\"}");
        assertEquals(200, put.status(), put.text());
        assertEquals(List.of(Topic.PRICES), admin.changes);
        assertEquals("0.0025", admin.get("/admin/v1/prices").body().path("data").get(0).path("input_per_1k").asText());
        assertParam(admin.put("/admin/v1/prices/gpt-4o", "{\"input_per_1k\":-1,\"output_per_1k\":1}"), "input_per_1k");
        assertParam(admin.put("/admin/v1/prices/gpt-4o", "{\"input_per_1k\":1}"), "output_per_1k");
        assertEquals(200, admin.delete("/admin/v1/prices/gpt-4o").status());
        assertEquals(404, admin.delete("/admin/v1/prices/gpt-4o").status());
    }
}
