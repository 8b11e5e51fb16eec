package io.modelbridge.gateway.it.vendors;

import static io.modelbridge.gateway.it.ApiCalls.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.testkit.deepseek.DeepSeekSimulator;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The minimal-rewrite passthrough through the deepseek plugin, over real sockets: a request the plugin would write
 * as the client did reaches DeepSeek as the client's bytes with only the model replaced; one it translates (developer
 * role, user, seed, n, max_completion_tokens) or refuses still goes through its codec; and DeepSeek's answers
 * (reasoning_content, cache usage fields) reach the client as the gateway's own encoding sends them.
 */
class DeepSeekPassthroughIT {
    @RegisterExtension
    static final VendorGatewayExtension<DeepSeekSimulator> SETUP =
            VendorGatewayExtension.of(DeepSeekSimulator::start, DeepSeekSimulator::reset, (simulator, gateway) -> {
                gateway.channel("deepseek-pt", "deepseek", simulator.baseUri(), simulator.apiKey(),
                        List.of("deepseek-chat", "deepseek-reasoner"));
                gateway.alias("ds", "deepseek-pt", "deepseek-chat");
                gateway.alias("ds-think", "deepseek-pt", "deepseek-reasoner");
            });
    static final String MESSAGES = "\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}]";
    /** DeepSeek's answer as its docs show it: reasoning, cache split, reasoning tokens, a fingerprint, null logprobs. */
    static final String REASONED = "{\"id\":\"ds-up1\",\"object\":\"chat.completion\",\"created\":1700000000,"
            + "\"model\":\"deepseek-reasoner\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"9.8\",\"reasoning_content\":\"compare the tenths\"},\"logprobs\":null,"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":48,\"total_tokens\":58,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":4},\"completion_tokens_details\":{\"reasoning_tokens\":38},"
            + "\"prompt_cache_hit_tokens\":4,\"prompt_cache_miss_tokens\":6},\"system_fingerprint\":\"fp_x\"}";

    private static DeepSeekSimulator deepseek() {
        return SETUP.simulator();
    }

    private static HttpResponse<String> chat(String body) {
        HttpResponse<String> res = SETUP.gateway().chat(body);
        assertEquals(200, res.statusCode(), res.body());
        return res;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{ \"temperature\":1.0,\"x_vendor\":{\"k\":[1e2,1.50,null]}," + MESSAGES + ",\"model\" : \"ds\","
                + "\"top_p\":1e-1,\"max_tokens\":64,\"stop\":\"END\",\"response_format\":{\"type\":\"json_object\"} }",
        "{\"model\":\"ds-think\"," + MESSAGES + ",\"max_tokens\":100}",
        "{\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"hi\",\"name\":\"a\"}],"
                + "\"model\":\"ds\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}"})
    void aPlainRequestReachesDeepSeekAsTheClientWroteIt(String client) {
        if (client.contains("\"stream\":true")) {
            SETUP.gateway().stream(client);
        } else {
            chat(client);
        }
        String upstreamModel = client.contains("ds-think") ? "deepseek-reasoner" : "deepseek-chat";
        assertEquals(client.replaceFirst("\"ds(-think)?\"", "\"" + upstreamModel + "\""), deepseek().lastRequest().body());
    }

    @Test
    void aStreamThatDidNotAskForUsageGetsItAskedFor() {
        SETUP.gateway().stream("{\"model\":\"ds\",\"stream\":true," + MESSAGES + "}");
        assertEquals("{\"stream_options\":{\"include_usage\":true},\"model\":\"deepseek-chat\",\"stream\":true,"
                + MESSAGES + "}", deepseek().lastRequest().body());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"model\":\"ds\",\"messages\":[{\"role\":\"developer\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"hi\"}]}",
        "{\"model\":\"ds\"," + MESSAGES + ",\"user\":\"u1\"}",
        "{\"model\":\"ds\"," + MESSAGES + ",\"seed\":7}",
        "{\"model\":\"ds\"," + MESSAGES + ",\"n\":1}",
        "{\"model\":\"ds\"," + MESSAGES + ",\"max_completion_tokens\":7}"})
    void aRequestDeepSeekTakesOtherwiseIsTranslated(String client) {
        chat(client);
        JsonNode sent = deepseek().lastRequest().json();
        assertNotEquals(client.replace("\"ds\"", "\"deepseek-chat\""), deepseek().lastRequest().body());
        assertTrue(sent.path("messages").findValues("role").stream().noneMatch(r -> r.asText().equals("developer")),
                sent.toString());
        for (String dropped : List.of("user", "seed", "n", "max_completion_tokens")) {
            assertFalse(sent.has(dropped), sent.toString());
        }
        if (client.contains("max_completion_tokens")) {
            assertEquals(7, sent.path("max_tokens").asInt(), sent.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"top_p\":0", "\"response_format\":{\"type\":\"json_schema\"}"})
    void aRequestDeepSeekRefusesIsRefusedBeforeAnyCall(String field) {
        int before = deepseek().requests().size();
        HttpResponse<String> res = SETUP.gateway().chat("{\"model\":\"ds\"," + MESSAGES + "," + field + "}");
        assertEquals(400, res.statusCode(), res.body());
        assertTrue(res.body().contains("DeepSeek"), res.body());
        assertEquals(before, deepseek().requests().size());
    }

    /** The same answer to a passed request and to a translated one (its {@code user} dropped) must read the same. */
    @ParameterizedTest
    @ValueSource(strings = {"reasoned", "older usage without details", "empty reasoning"})
    void deepSeeksAnswerReachesTheClientAsTheGatewayEncodesIt(String variant) {
        String answer = switch (variant) {
            case "reasoned" -> REASONED;
            case "older usage without details" -> REASONED.replace("\"prompt_tokens_details\":{\"cached_tokens\":4},", "");
            default -> REASONED.replace("\"compare the tenths\"", "\"\"");
        };
        String passed = "{\"model\":\"ds-think\"," + MESSAGES + "}";
        deepseek().failNextWithBody(1, 200, "application/json", answer);
        JsonNode relayed = withoutIdAndCreated(chat(passed).body());
        assertEquals(passed.replace("\"ds-think\"", "\"deepseek-reasoner\""), deepseek().lastRequest().body());

        deepseek().failNextWithBody(1, 200, "application/json", answer);
        JsonNode encoded = withoutIdAndCreated(chat("{\"model\":\"ds-think\"," + MESSAGES + ",\"user\":\"u1\"}").body());
        assertFalse(deepseek().lastRequest().json().has("user"));
        assertEquals(encoded, relayed);
    }

    private static JsonNode withoutIdAndCreated(String body) {
        ObjectNode answer = (ObjectNode) json(body);
        assertTrue(answer.path("id").asText().startsWith("chatcmpl-"), body);
        assertEquals("ds-think", answer.path("model").asText(), body);
        answer.remove(List.of("id", "created"));
        return answer;
    }
}
