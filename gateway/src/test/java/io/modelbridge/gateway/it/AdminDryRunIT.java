package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ?dry_run=true} on the admin API's changes (what {@code mbctl apply --dry-run} sends): the same answer as the
 * real call, refusals included (validation, unique names, missing references), and nothing stored or audited.
 */
@Tag("it")
class AdminDryRunIT {
    @TempDir
    static Path dataDir;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        gateway = RunningGateway.start(dataDir);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aRefusedValueIsRefusedByTheDryRunInTheApplysWords() {
        String eve = "{\"name\":\"dry-eve\",\"quota\":-5}";
        HttpResponse<String> dry = gateway.adminCall("POST", "/users?dry_run=true", eve);
        HttpResponse<String> real = gateway.adminCall("POST", "/users", eve);
        assertEquals(400, real.statusCode(), real.body());
        assertEquals(real.statusCode(), dry.statusCode());
        assertEquals(real.body(), dry.body());
    }

    @Test
    void aValidChangeIsAnsweredAsTheRealOneAndNothingIsStored() {
        String audit = gateway.adminCall("GET", "/audit", null).body();
        HttpResponse<String> dry = gateway.adminCall("POST", "/users?dry_run=true",
                "{\"name\":\"dry-ok\",\"quota\":10}");
        assertEquals(201, dry.statusCode(), dry.body());
        assertEquals("dry-ok", json(dry).path("name").asText());
        assertEquals(404, gateway.adminCall("GET", "/users/dry-ok", null).statusCode(), "not created");

        gateway.admin("POST", "/users", JSON.createObjectNode().put("name", "dry-owner"));
        HttpResponse<String> key = gateway.adminCall("POST", "/keys?dry_run=true",
                "{\"user\":\"dry-owner\",\"label\":\"x\"}");
        assertEquals(201, key.statusCode(), key.body());
        assertEquals(0, gateway.admin("GET", "/keys?user=dry-owner", null).path("data").size(), "no key stored");
        HttpResponse<String> price = gateway.adminCall("PUT", "/prices/dry-model?dry_run=true",
                "{\"input_per_1k\":1,\"output_per_1k\":2}");
        assertEquals(200, price.statusCode(), price.body());
        assertTrue(!gateway.adminCall("GET", "/prices", null).body().contains("dry-model"), "no price stored");
        String after = gateway.adminCall("GET", "/audit", null).body();
        assertEquals(1, count(after, "\"user.create\"") - count(audit, "\"user.create\""),
                "only the real change is audited: " + after);
    }

    @Test
    void aNameTakenAndAMissingReferenceAreCaughtByTheDryRun() {
        gateway.admin("POST", "/users", JSON.createObjectNode().put("name", "dry-taken"));
        String taken = "{\"name\":\"dry-taken\"}";
        HttpResponse<String> dry = gateway.adminCall("POST", "/users?dry_run=true", taken);
        HttpResponse<String> real = gateway.adminCall("POST", "/users", taken);
        assertEquals(409, real.statusCode(), real.body());
        assertEquals(real.statusCode() + real.body(), dry.statusCode() + dry.body());

        String orphan = "{\"user\":\"dry-nobody\",\"label\":\"x\"}";
        HttpResponse<String> dryKey = gateway.adminCall("POST", "/keys?dry_run=true", orphan);
        HttpResponse<String> realKey = gateway.adminCall("POST", "/keys", orphan);
        assertTrue(realKey.statusCode() >= 400, realKey.body());
        assertEquals(realKey.statusCode() + realKey.body(), dryKey.statusCode() + dryKey.body());
    }

    @Test
    void anEndpointThatCannotDryRunRefusesTheFlagInsteadOfActing() {
        HttpResponse<String> grant = gateway.adminCall("POST", "/users/x/quota/grant?dry_run=true",
                "{\"amount\":1}");
        assertEquals(400, grant.statusCode(), grant.body());
        assertEquals("dry_run", json(grant).at("/error/param").asText());
        HttpResponse<String> unclear = gateway.adminCall("POST", "/users?dry_run=yes", "{\"name\":\"dry-y\"}");
        assertEquals(400, unclear.statusCode(), unclear.body());
        assertEquals(404, gateway.adminCall("GET", "/users/dry-y", null).statusCode());
    }

    private static com.fasterxml.jackson.databind.JsonNode json(HttpResponse<String> res) {
        try {
            return JSON.readTree(res.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }
}
