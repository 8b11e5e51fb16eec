package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the upstream sends reaches the client unchanged, streamed and not, through the openai plugin: logprobs,
 * system_fingerprint, service_tier, message.annotations, an upstream 400's param, a tool-call stream's null content;
 * and the gateway adds no null-valued field the upstream did not send (refusal, logprobs, a "" content).
 * The upstream answers as {@link OpenAiRecording} recorded api.openai.com.
 */
@Timeout(120)
class ResponseFidelityIT {
    @TempDir
    static Path dataDir;
    static HostileUpstream upstream;
    static RunningGateway gateway;
    static ApiCalls api;
    static String key;

    @BeforeAll
    static void start() {
        upstream = HostileUpstream.start();
        gateway = RunningGateway.start(dataDir);
        api = new ApiCalls(gateway.api());
        ObjectNode channel = JSON.createObjectNode().put("name", "recorded").put("provider", "openai")
                .put("credential", "sk-recorded").put("base_url", upstream.baseUri().toString());
        channel.putArray("models").add("gpt-4o");
        gateway.admin("POST", "/channels", channel);
        ObjectNode alias = JSON.createObjectNode();
        alias.putArray("targets").addObject().put("channel", "recorded").put("model", "gpt-4o");
        gateway.admin("PUT", "/aliases/gpt-4o", alias);
        key = gateway.userWithKey("fidelity");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static String request(boolean stream) {
        ObjectNode body = JSON.createObjectNode().put("model", "gpt-4o").put("stream", stream)
                .put("logprobs", true).put("top_logprobs", 1);
        if (stream) {
            body.putObject("stream_options").put("include_usage", true);
        }
        body.putArray("messages").addObject().put("role", "user").put("content", "Say hello");
        return body.toString();
    }

    static JsonNode complete(String upstreamBody) {
        upstream.answer(HostileUpstream.reply(200, "application/json", upstreamBody));
        HttpResponse<String> res = api.chatOk(key, request(false));
        return json(res.body());
    }

    static List<JsonNode> stream(String... events) {
        upstream.answer(HostileUpstream.stream(events));
        HttpResponse<Stream<String>> res = api.postStreaming("/v1/chat/completions", key, request(true));
        assertEquals(200, res.statusCode());
        boolean[] done = new boolean[1];
        List<JsonNode> chunks = ApiCalls.sseEvents(res.body().iterator(), done);
        assertTrue(done[0], "the stream ends with [DONE]: " + chunks);
        return chunks;
    }

    /** The events' values at {@code pointer}, where present. */
    static List<JsonNode> at(List<JsonNode> events, String pointer) {
        return events.stream().map(e -> e.at(pointer)).filter(n -> !n.isMissingNode()).toList();
    }

    @Test
    void logprobsPassThrough() {
        JsonNode answer = complete(OpenAiRecording.COMPLETION);
        assertEquals(json(OpenAiRecording.LOGPROBS), answer.at("/choices/0/logprobs"));
        List<JsonNode> events = stream(OpenAiRecording.stream());
        assertTrue(at(events, "/choices/0/logprobs").contains(json(OpenAiRecording.LOGPROBS)), events.toString());
    }

    @Test
    void systemFingerprintAndServiceTierPassThrough() {
        JsonNode answer = complete(OpenAiRecording.COMPLETION);
        assertEquals("fp_fc9f1d7035", answer.path("system_fingerprint").asText());
        assertEquals("default", answer.path("service_tier").asText());
        List<JsonNode> events = stream(OpenAiRecording.stream());
        for (JsonNode event : events) {
            assertEquals("fp_fc9f1d7035", event.path("system_fingerprint").asText(), event.toString());
            assertEquals("default", event.path("service_tier").asText(), event.toString());
        }
    }

    @Test
    void annotationsPassThrough() {
        JsonNode answer = complete(OpenAiRecording.COMPLETION);
        assertEquals(json(OpenAiRecording.ANNOTATIONS), answer.at("/choices/0/message/annotations"));
        List<JsonNode> events = stream(OpenAiRecording.stream());
        assertEquals(List.of(json(OpenAiRecording.ANNOTATIONS)), at(events, "/choices/0/delta/annotations"));
    }

    @Test
    void refusalNullPassesThroughWhenTheUpstreamSentIt() {
        JsonNode answer = complete(OpenAiRecording.COMPLETION);
        assertTrue(answer.at("/choices/0/message/refusal").isNull());
        List<JsonNode> events = stream(OpenAiRecording.stream());
        assertTrue(events.get(0).at("/choices/0/delta/refusal").isNull(), events.get(0).toString());
        assertEquals("", events.get(0).at("/choices/0/delta/content").asText("?"));
    }

    @Test
    void noNullTheUpstreamDidNotSend() {
        JsonNode answer = complete(OpenAiRecording.MINIMAL_COMPLETION);
        JsonNode choice = answer.at("/choices/0");
        assertFalse(choice.has("logprobs"), answer.toString());
        assertFalse(choice.path("message").has("refusal"), answer.toString());
        for (JsonNode event : stream(OpenAiRecording.minimalStream())) {
            for (JsonNode c : event.path("choices")) {
                assertFalse(c.has("logprobs"), event.toString());
                assertFalse(c.path("delta").has("refusal"), event.toString());
            }
        }
    }

    @Test
    void aToolCallStreamsFirstDeltaKeepsTheUpstreamsNullContent() {
        List<JsonNode> events = stream(OpenAiRecording.toolCallStream());
        JsonNode first = events.get(0).at("/choices/0/delta");
        assertTrue(first.has("content") && first.get("content").isNull(), events.get(0).toString());
        assertTrue(at(events, "/choices/0/delta/content").stream().allMatch(JsonNode::isNull), events.toString());
        assertEquals("{\"city\":\"Paris\"}", String.join("", at(events, "/choices/0/delta/tool_calls/0/function/arguments")
                .stream().map(JsonNode::asText).toList()));
    }

    /** The 2023 fields of an answer: what a strict client of the classic profile may see, and nothing else. */
    static void assertClassic(JsonNode answer, String place) {
        assertTrue(Set.of("id", "object", "created", "model", "choices", "usage").containsAll(names(answer)),
                answer.toString());
        for (JsonNode choice : answer.path("choices")) {
            assertTrue(Set.of("index", "message", "delta", "finish_reason").containsAll(names(choice)), answer.toString());
            assertTrue(Set.of("role", "content", "tool_calls", "function_call").containsAll(names(choice.path(place))),
                    answer.toString());
        }
        if (answer.path("usage").isObject()) {
            assertEquals(Set.of("prompt_tokens", "completion_tokens", "total_tokens"), names(answer.get("usage")));
        }
    }

    static Set<String> names(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void theClassicProfileLimitsAnswersToThe2023FieldsStreamedAndNot() {
        String classic = classicKey("fidelity-classic");
        upstream.answer(HostileUpstream.reply(200, "application/json", OpenAiRecording.COMPLETION));
        HttpResponse<String> res = api.chatOk(classic, request(false));
        JsonNode answer = json(res.body());
        assertClassic(answer, "message");
        assertEquals("Hello!", answer.at("/choices/0/message/content").asText());
        assertEquals(11, answer.at("/usage/total_tokens").asInt());
        upstream.answer(HostileUpstream.stream(OpenAiRecording.stream()));
        boolean[] done = new boolean[1];
        List<JsonNode> events = ApiCalls.sseEvents(api.postStreaming("/v1/chat/completions", classic, request(true))
                .body().iterator(), done);
        assertTrue(done[0]);
        events.forEach(event -> assertClassic(event, "delta"));
        assertEquals("Hello!", ApiCalls.text(events));
    }

    /** A new key of a new user whose profile is classic, set through the admin API. */
    static String classicKey(String user) {
        gateway.admin("POST", "/users", JSON.createObjectNode().put("name", user));
        JsonNode key = gateway.admin("POST", "/keys", JSON.createObjectNode().put("user", user)
                .put("response_profile", "classic"));
        assertEquals("classic", key.path("response_profile").asText(), key.toString());
        return key.path("key").asText();
    }

    @Test
    void aResponseProfileIsFullClassicOrTheDefault() {
        gateway.admin("POST", "/users", JSON.createObjectNode().put("name", "profiles"));
        HttpResponse<String> bad = gateway.adminCall("POST", "/keys", JSON.createObjectNode().put("user", "profiles")
                .put("response_profile", "strict"));
        assertEquals(400, bad.statusCode(), bad.body());
        assertEquals("response_profile", json(bad.body()).at("/error/param").asText());
        JsonNode key = gateway.admin("POST", "/keys", JSON.createObjectNode().put("user", "profiles"));
        assertTrue(key.path("response_profile").isNull(), key.toString());
        long id = key.path("id").asLong();
        JsonNode updated = gateway.admin("PATCH", "/keys/" + id, JSON.createObjectNode().put("response_profile", "CLASSIC"));
        assertEquals("classic", updated.path("response_profile").asText());
        assertEquals("classic", gateway.admin("GET", "/keys/" + id, null).path("response_profile").asText());
        JsonNode back = gateway.admin("PATCH", "/keys/" + id, JSON.createObjectNode().putNull("response_profile"));
        assertTrue(back.path("response_profile").isNull(), back.toString());
    }

    @Test
    void anUpstream400sParamReachesTheClient() {
        upstream.answer(HostileUpstream.reply(400, "application/json", OpenAiRecording.BAD_PARAM));
        for (boolean stream : new boolean[] {false, true}) {
            HttpResponse<String> res = api.post("/v1/chat/completions", key, request(stream));
            assertEquals(400, res.statusCode(), res.body());
            JsonNode error = json(res.body()).path("error");
            assertEquals("top_logprobs", error.path("param").asText(null), res.body());
            assertEquals("invalid_request_error", error.path("type").asText());
        }
    }
}
