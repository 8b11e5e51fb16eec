package io.modelbridge.gateway.it.vendors;

import static io.modelbridge.gateway.it.vendors.VendorGateway.ask;
import static io.modelbridge.gateway.it.vendors.VendorGateway.assertError;
import static io.modelbridge.gateway.it.vendors.VendorGateway.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.gateway.it.ApiCalls;
import io.modelbridge.gateway.it.UsageRows;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import io.modelbridge.testkit.openai.OpenAiStyle;
import io.modelbridge.testkit.openai.OpenAiStyle.StreamUsage;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bundled openai plugin in front of OpenAI-compatible upstreams as an operator sets them up: one whose stream puts
 * usage inside the finishing choice ({@code choices[0].usage}, as Moonshot's Kimi does) instead of a chunk-level
 * {@code usage}, and a base URL whose host does not resolve.
 */
class OpenAiCompatibleChannelIT {
    private static final String KEY = "sk-kimi-usage-0123456789abcdef";
    private static final String MODEL = "moonshot-v1-8k";
    /** The {@code .invalid} top-level domain never resolves (RFC 2606). */
    private static final String UNRESOLVABLE = "http://no-such-host.invalid:8000";

    @RegisterExtension
    static final VendorGatewayExtension<OpenAiSimulator> SETUP = VendorGatewayExtension.of(
            () -> OpenAiSimulator.start(OpenAiStyle.OPENAI.withUsage(StreamUsage.IN_FINISH_CHOICE), KEY, List.of(MODEL)),
            OpenAiSimulator::reset,
            (simulator, gateway) -> {
                gateway.channel("kimi-style", "openai", simulator.baseUri(), KEY, List.of(MODEL));
                gateway.alias("kimi", "kimi-style", MODEL);
                gateway.channel("nowhere", "openai", URI.create(UNRESOLVABLE), KEY, List.of(MODEL));
                gateway.alias("nowhere", "nowhere", MODEL);
            });

    @Test
    void aStreamWithUsageInItsFinishingChoiceIsBilledWithTheVendorsCounts() {
        VendorGateway gw = SETUP.gateway();
        // The simulator counts words: 7 prompt tokens, 8 completion tokens ("echo: " and the 7 words).
        String question = "please count the words of this question";
        HttpResponse<Stream<String>> res = gw.api.postStreaming("/v1/chat/completions", gw.key,
                ask("kimi", question, true).toString(), "x-request-id", "usage-in-choice-1");
        assertEquals(200, res.statusCode());
        boolean[] done = {false};
        List<JsonNode> events = ApiCalls.sseEvents(res.body().iterator(), done);
        assertTrue(done[0], events.toString());
        assertEquals("echo: " + question, joined(events, "content"));
        JsonNode usage = VendorGateway.streamUsage(events);
        assertEquals(7, usage.get("prompt_tokens").asInt(), usage.toString());
        assertEquals(8, usage.get("completion_tokens").asInt(), usage.toString());
        JsonNode row = UsageRows.find(gw.gateway, "usage-in-choice-1");
        assertEquals(7, row.get("prompt_tokens").asInt(), row.toString());
        assertEquals(8, row.get("completion_tokens").asInt(), row.toString());
    }

    /** Clients and {@code channel test} are told the host could not be resolved, not an exception's class name. */
    @Test
    void aBaseUrlWhoseHostDoesNotResolveSaysSo() {
        VendorGateway gw = SETUP.gateway();
        for (boolean stream : new boolean[] {false, true}) {
            HttpResponse<String> res = gw.api.post("/v1/chat/completions", gw.key, ask("nowhere", "hi", stream).toString());
            JsonNode error = assertError(res, 502, "upstream_unavailable");
            String message = error.get("message").asText();
            assertTrue(message.contains("could not be resolved"), message);
            assertFalse(message.contains("Exception"), message);
        }
        JsonNode probe = gw.gateway.admin("POST", "/channels/nowhere/test", "{\"model\":\"" + MODEL + "\"}");
        assertFalse(probe.get("ok").asBoolean(), probe.toString());
        String message = probe.at("/error/message").asText();
        assertTrue(message.contains("no-such-host.invalid could not be resolved"), probe.toString());
        assertFalse(message.contains("Exception"), probe.toString());
    }
}
