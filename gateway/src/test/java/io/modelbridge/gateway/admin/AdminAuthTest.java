package io.modelbridge.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelbridge.gateway.admin.AdminFixture.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminAuthTest {
    private AdminFixture admin;

    @BeforeEach
    void reset() {
        admin = AdminFixture.get().reset();
    }

    @Test
    void withoutATokenIs401InOpenAiShape() {
        Reply reply = admin.call("GET", "/admin/v1/users", null, null);
        assertEquals(401, reply.status());
        assertEquals("invalid_api_key", reply.error().path("code").asText());
        assertEquals("invalid_request_error", reply.error().path("type").asText());
    }

    @Test
    void aWrongTokenIs401AndChangesNothing() {
        Reply reply = admin.call("POST", "/admin/v1/users", "{\"name\":\"eve\"}", "wrong-token");
        assertEquals(401, reply.status());
        assertEquals("Invalid admin token.", reply.error().path("message").asText());
        assertEquals(0, admin.get("/admin/v1/users").body().path("data").size());
    }

    @Test
    void anUnknownEndpointIs404() {
        Reply reply = admin.get("/admin/v1/nothing-here");
        assertEquals(404, reply.status());
        assertEquals("not_found", reply.error().path("code").asText());
    }

    @Test
    void malformedJsonIs400() {
        Reply reply = admin.post("/admin/v1/users", "{not json");
        assertEquals(400, reply.status());
        assertEquals("The request body is not valid JSON.", reply.error().path("message").asText());
    }
}
