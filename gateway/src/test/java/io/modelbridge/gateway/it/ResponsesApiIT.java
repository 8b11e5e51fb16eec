package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OpenAI Responses dialect end to end over raw HTTP: real sockets, embedded PostgreSQL, the openai, deepseek and
 * qwen plugin jars against their simulators behind aliases.
 */
@Tag("it")
@Timeout(120)
class ResponsesApiIT {
    @TempDir
    static Path dataDir;
    static ThreeVendors vendors;
    static RunningGateway gateway;
    static ApiCalls api;
    static String key;

    @BeforeAll
    static void start() {
        vendors = ThreeVendors.start();
        gateway = RunningGateway.start(dataDir);
        api = new ApiCalls(gateway.api());
        vendors.routeOn(gateway);
        vendors.routeReasonerOn(gateway);
        gateway.alias("paid", "sim", "gpt-4o");
        gateway.admin("PUT", "/prices/paid", "{\"input_per_1k\":1,\"output_per_1k\":1}");
        key = gateway.userWithKey("responses-user");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vendors.close();
    }

    @AfterEach
    void heal() {
        vendors.reset();
    }

    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen"})
    void aTextAnswerIsAResponseObjectAndItsUsageRowMatches(String model) {
        HttpResponse<String> res = responses(key, ask(model, "hello there", false));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode body = json(res.body());
        assertTrue(body.get("id").asText().startsWith("resp_"), res.body());
        assertEquals("response", body.get("object").asText());
        assertEquals("completed", body.get("status").asText());
        assertTrue(body.get("created_at").asLong() > 1_700_000_000L, res.body());
        assertEquals(model, body.get("model").asText(), "the model as the client sent it");
        assertEquals(1, body.get("output").size(), res.body());
        JsonNode message = body.at("/output/0");
        assertEquals("message", message.get("type").asText());
        assertTrue(message.get("id").asText().startsWith("msg_"), res.body());
        assertEquals("assistant", message.get("role").asText());
        assertEquals("completed", message.get("status").asText());
        assertEquals("output_text", message.at("/content/0/type").asText());
        assertTrue(message.at("/content/0/text").asText().contains("hello there"), res.body());
        assertTrue(message.at("/content/0/annotations").isArray());
        int input = body.at("/usage/input_tokens").asInt();
        int output = body.at("/usage/output_tokens").asInt();
        assertTrue(input > 0 && output > 0, res.body());
        assertEquals(input + output, body.at("/usage/total_tokens").asInt());
        assertTrue(body.at("/usage/input_tokens_details/cached_tokens").isInt(), res.body());
        assertTrue(body.at("/usage/output_tokens_details/reasoning_tokens").isInt(), res.body());
        assertTrue(body.get("store").asBoolean(), "store defaults to true, as OpenAI");

        JsonNode row = UsageRows.find(gateway, res.headers().firstValue("x-modelbridge-request-id").orElseThrow());
        assertEquals(200, row.get("status").asInt(), row.toString());
        assertEquals(input, row.get("prompt_tokens").asInt(), row.toString());
        assertEquals(output, row.get("completion_tokens").asInt(), row.toString());
        assertEquals(model, row.get("model").asText(), row.toString());
        assertEquals("openai-responses", row.get("dialect").asText(), row.toString());
    }

    @Test
    void requestFieldsReachTheUpstreamInCanonicalFormAndAreEchoed() {
        ObjectNode body = ask("smart", "hi", false);
        body.put("instructions", "Be brief.").put("max_output_tokens", 50).put("temperature", 0.5).put("top_p", 0.9)
                .put("user", "end-user-7").put("parallel_tool_calls", false).put("store", false);
        body.putObject("metadata").put("ticket", "T-1");
        body.putObject("reasoning").put("effort", "low");
        ObjectNode format = body.putObject("text").putObject("format").put("type", "json_schema").put("name", "answer")
                .put("strict", true);
        format.putObject("schema").put("type", "object").putObject("properties").putObject("a").put("type", "string");
        HttpResponse<String> res = responses(key, body);
        assertEquals(200, res.statusCode(), res.body());

        JsonNode sent = vendors.openai().lastRequest().json();
        assertEquals("system", sent.at("/messages/0/role").asText(), sent.toString());
        assertEquals("Be brief.", sent.at("/messages/0/content").asText(sent.at("/messages/0/content/0/text").asText()));
        assertEquals("user", sent.at("/messages/1/role").asText(), sent.toString());
        assertEquals(50, sent.get("max_tokens").asInt(sent.path("max_completion_tokens").asInt()), sent.toString());
        assertEquals(0.5, sent.get("temperature").asDouble());
        assertEquals(0.9, sent.get("top_p").asDouble());
        assertEquals("end-user-7", sent.get("user").asText());
        assertFalse(sent.get("parallel_tool_calls").asBoolean(), sent.toString());
        assertEquals("low", sent.get("reasoning_effort").asText(), sent.toString());
        assertEquals("json_schema", sent.at("/response_format/type").asText(), sent.toString());
        assertEquals("answer", sent.at("/response_format/json_schema/name").asText(), sent.toString());
        assertEquals("string", sent.at("/response_format/json_schema/schema/properties/a/type").asText(), sent.toString());
        for (String gatewayOnly : List.of("metadata", "store", "instructions", "input", "text", "reasoning")) {
            assertFalse(sent.has(gatewayOnly), gatewayOnly + " is the gateway's, not the upstream's: " + sent);
        }

        JsonNode answer = json(res.body());
        assertEquals("Be brief.", answer.get("instructions").asText());
        assertEquals(50, answer.get("max_output_tokens").asInt());
        assertEquals(0.5, answer.get("temperature").asDouble());
        assertEquals(0.9, answer.get("top_p").asDouble());
        assertEquals("end-user-7", answer.get("user").asText());
        assertFalse(answer.get("parallel_tool_calls").asBoolean());
        assertFalse(answer.get("store").asBoolean());
        assertEquals("T-1", answer.at("/metadata/ticket").asText());
        assertEquals("json_schema", answer.at("/text/format/type").asText());
        assertEquals("low", answer.at("/reasoning/effort").asText());
        assertEquals("auto", answer.get("tool_choice").asText());
        assertTrue(answer.get("previous_response_id").isNull());
    }

    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen"})
    void aStreamIsTheTypedEventsInOrderWithSequenceNumbers(String model) {
        List<SseEvent> events = stream(key, ask(model, "hello streaming world", true));
        List<String> names = events.stream().map(SseEvent::name).toList();
        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added"), names.subList(0, 4), names.toString());
        assertEquals(List.of("response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.completed"), names.subList(names.size() - 4, names.size()), names.toString());
        assertTrue(names.subList(4, names.size() - 4).stream().allMatch("response.output_text.delta"::equals),
                names.toString());
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i, events.get(i).data().get("sequence_number").asInt(), "sequence numbers count from 0");
        }
        JsonNode created = events.getFirst().data().get("response");
        assertTrue(created.get("id").asText().startsWith("resp_"));
        assertEquals("in_progress", created.get("status").asText());
        assertEquals(model, created.get("model").asText());
        String itemId = events.get(2).data().at("/item/id").asText();
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.name().equals("response.output_text.delta")).forEach(e -> {
            assertEquals(itemId, e.data().get("item_id").asText());
            assertEquals(0, e.data().get("output_index").asInt());
            text.append(e.data().get("delta").asText());
        });
        assertTrue(text.toString().contains("hello streaming world"), text.toString());
        assertEquals(text.toString(), events.get(events.size() - 4).data().get("text").asText());
        JsonNode completed = events.getLast().data().get("response");
        assertEquals(created.get("id").asText(), completed.get("id").asText());
        assertEquals("completed", completed.get("status").asText());
        assertEquals(text.toString(), completed.at("/output/0/content/0/text").asText());
        assertTrue(completed.at("/usage/output_tokens").asInt() > 0, completed.toString());
        assertTrue(completed.at("/usage/input_tokens").asInt() > 0, completed.toString());
    }

    @Test
    void aStreamedFunctionCallIsAFunctionCallItemWithArgumentDeltas() {
        List<SseEvent> events = stream(key, withTool(ask("smart", "Paris", true)));
        List<String> names = events.stream().map(SseEvent::name).toList();
        SseEvent added = events.stream().filter(e -> e.name().equals("response.output_item.added")
                && e.data().at("/item/type").asText().equals("function_call")).findFirst().orElseThrow();
        JsonNode item = added.data().get("item");
        assertEquals("get_weather", item.get("name").asText());
        assertTrue(item.get("id").asText().startsWith("fc_"), item.toString());
        assertFalse(item.get("call_id").asText().isEmpty(), item.toString());
        StringBuilder arguments = new StringBuilder();
        events.stream().filter(e -> e.name().equals("response.function_call_arguments.delta"))
                .forEach(e -> {
                    assertEquals(item.get("id").asText(), e.data().get("item_id").asText());
                    arguments.append(e.data().get("delta").asText());
                });
        assertTrue(json(arguments.toString()).toString().contains("Paris"), arguments.toString());
        int done = names.indexOf("response.function_call_arguments.done");
        assertEquals(arguments.toString(), events.get(done).data().get("arguments").asText());
        assertEquals("response.output_item.done", names.get(done + 1), names.toString());
        JsonNode completed = events.getLast().data().get("response");
        assertEquals("response.completed", events.getLast().name());
        JsonNode call = completed.get("output").get(completed.get("output").size() - 1);
        assertEquals("function_call", call.get("type").asText(), completed.toString());
        assertEquals(arguments.toString(), call.get("arguments").asText());
    }

    /** The client sends the whole conversation back (store false): its function call, then the call's output. */
    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen"})
    void aFunctionCallRoundTripWithTheWholeInput(String model) {
        ObjectNode first = withTool(ask(model, "Paris", false)).put("store", false);
        HttpResponse<String> res = responses(key, first);
        assertEquals(200, res.statusCode(), res.body());
        JsonNode call = null;
        for (JsonNode item : json(res.body()).get("output")) {
            if (item.get("type").asText().equals("function_call")) {
                call = item;
            }
        }
        assertNotNull(call, res.body());
        assertEquals("get_weather", call.get("name").asText());
        assertTrue(json(call.get("arguments").asText()).toString().contains("Paris"), call.toString());
        assertEquals("completed", call.get("status").asText());

        ObjectNode second = withTool(ask(model, "Paris", false)).put("store", false);
        ArrayNode input = second.putArray("input");
        input.addObject().put("role", "user").put("content", "Paris");
        input.add(call);
        input.addObject().put("type", "function_call_output").put("call_id", call.get("call_id").asText())
                .put("output", "18 degrees");
        HttpResponse<String> done = responses(key, second);
        assertEquals(200, done.statusCode(), done.body());
        assertEquals("message", json(done.body()).at("/output/0/type").asText(), done.body());
        JsonNode sent = switch (model) {
            case "smart" -> vendors.openai().lastRequest().json();
            case "ds" -> vendors.deepseek().lastRequest().json();
            default -> vendors.qwen().lastRequest().json();
        };
        JsonNode upstream = sent.has("messages") ? sent.get("messages") : sent.at("/input/messages"); // DashScope
        assertEquals("assistant", upstream.at("/1/role").asText(), sent.toString());
        assertEquals(call.get("call_id").asText(), upstream.at("/1/tool_calls/0/id").asText(), sent.toString());
        assertEquals("tool", upstream.at("/2/role").asText(), sent.toString());
        assertEquals(call.get("call_id").asText(), upstream.at("/2/tool_call_id").asText(), sent.toString());
    }

    /**
     * store (the default) keeps the response; previous_response_id replays its input and output before the new input,
     * without its instructions (as OpenAI).
     */
    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen"})
    void aFunctionCallRoundTripWithPreviousResponseId(String model) {
        HttpResponse<String> res = responses(key, withTool(ask(model, "Paris", false)).put("instructions", "Be brief."));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode first = json(res.body());
        JsonNode call = first.get("output").get(first.get("output").size() - 1);
        assertEquals("function_call", call.get("type").asText(), res.body());

        ObjectNode second = withTool(JSON.createObjectNode().put("model", model)
                .put("previous_response_id", first.get("id").asText()));
        second.putArray("input").addObject().put("type", "function_call_output")
                .put("call_id", call.get("call_id").asText()).put("output", "18 degrees");
        HttpResponse<String> done = responses(key, second);
        assertEquals(200, done.statusCode(), done.body());
        assertEquals(first.get("id").asText(), json(done.body()).get("previous_response_id").asText());
        JsonNode sent = upstreamRequest(model);
        JsonNode upstream = sent.has("messages") ? sent.get("messages") : sent.at("/input/messages"); // DashScope
        assertEquals(3, upstream.size(), "the first turn's input and call, then the output; no instructions: " + sent);
        assertEquals("user", upstream.at("/0/role").asText(), sent.toString());
        assertEquals(call.get("call_id").asText(), upstream.at("/1/tool_calls/0/id").asText(), sent.toString());
        assertEquals("tool", upstream.at("/2/role").asText(), sent.toString());
        assertEquals(call.get("call_id").asText(), upstream.at("/2/tool_call_id").asText(), sent.toString());
    }

    /**
     * The whole input again, but the stored function call named by its id ({"type":"item_reference"}), as the Vercel AI
     * SDK sends a tool loop's second step: the upstream gets the call itself.
     */
    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen"})
    void aFunctionCallRoundTripWithAnItemReference(String model) {
        HttpResponse<String> res = responses(key, withTool(ask(model, "Paris", false)));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode output = json(res.body()).get("output");
        JsonNode call = output.get(output.size() - 1);
        assertEquals("function_call", call.get("type").asText(), res.body());

        ObjectNode second = withTool(JSON.createObjectNode().put("model", model));
        ArrayNode input = second.putArray("input");
        input.addObject().put("role", "user").put("content", "Paris");
        input.addObject().put("type", "item_reference").put("id", call.get("id").asText());
        input.addObject().put("type", "function_call_output").put("call_id", call.get("call_id").asText())
                .put("output", "18 degrees");
        HttpResponse<String> done = responses(key, second);
        assertEquals(200, done.statusCode(), done.body());
        assertEquals("message", json(done.body()).at("/output/0/type").asText(), done.body());
        JsonNode sent = upstreamRequest(model);
        JsonNode upstream = sent.has("messages") ? sent.get("messages") : sent.at("/input/messages"); // DashScope
        assertEquals(3, upstream.size(), sent.toString());
        assertEquals(call.get("call_id").asText(), upstream.at("/1/tool_calls/0/id").asText(), sent.toString());
        assertEquals("get_weather", upstream.at("/1/tool_calls/0/function/name").asText(), sent.toString());
        assertEquals(call.get("call_id").asText(), upstream.at("/2/tool_call_id").asText(), sent.toString());

        String stored = json(done.body()).get("id").asText();
        JsonNode items = json(api.get("/v1/responses/" + stored + "/input_items?order=asc", key).body()).get("data");
        assertEquals("function_call", items.at("/1/type").asText(), "the turn keeps the item, not the reference: "
                + items);
    }

    /** An item_reference finds only its user's stored items: another user's, a deleted one's and none are 404. */
    @Test
    void anItemReferenceFindsOnlyTheCallersStoredItems() {
        String ownersKey = gateway.userWithKey("items-owner");
        JsonNode first = json(responses(ownersKey, withTool(ask("smart", "Paris", false))).body());
        String callId = first.get("output").get(first.get("output").size() - 1).get("id").asText();
        java.util.function.Function<String, ObjectNode> referring = id -> {
            ObjectNode body = JSON.createObjectNode().put("model", "smart");
            body.putArray("input").addObject().put("type", "item_reference").put("id", id);
            return body;
        };
        assertEquals(200, responses(ownersKey, referring.apply(callId)).statusCode());
        String stranger = gateway.userWithKey("items-stranger");
        HttpResponse<String> refused = responses(stranger, referring.apply(callId));
        assertError(refused, 404, "input[0].id");
        assertTrue(json(refused.body()).at("/error/message").asText().contains(callId), refused.body());
        assertError(responses(ownersKey, referring.apply("fc_never_stored")), 404, "input[0].id");

        assertEquals(200, api.delete("/v1/responses/" + first.get("id").asText(), ownersKey).statusCode());
        assertError(responses(ownersKey, referring.apply(callId)), 404, "input[0].id");
    }

    /** A streamed response is stored before its last event, so the client can continue it at once. */
    @Test
    void aStreamedResponseIsStoredAndContinued() {
        List<SseEvent> events = stream(key, ask("smart", "remember the streamed words", true));
        String id = events.getLast().data().at("/response/id").asText();
        HttpResponse<String> next = responses(key, ask("smart", "and now?", false).put("previous_response_id", id));
        assertEquals(200, next.statusCode(), next.body());
        JsonNode messages = vendors.openai().lastRequest().json().get("messages");
        assertEquals(List.of("user", "assistant", "user"), List.of(messages.at("/0/role").asText(),
                messages.at("/1/role").asText(), messages.at("/2/role").asText()), messages.toString());
        assertTrue(messages.at("/1/content").asText(messages.at("/1/content/0/text").asText())
                .contains("remember the streamed words"), messages.toString());
    }

    /** Another user's response, or one asked not to be stored, cannot be continued: 404 naming the param. */
    @Test
    void onlyTheOwnersStoredResponsesCanBeContinued() {
        String owner = "responses-owner";
        String ownersKey = gateway.userWithKey(owner);
        String id = json(responses(ownersKey, ask("smart", "mine", false)).body()).get("id").asText();
        String stranger = gateway.userWithKey("responses-stranger");
        HttpResponse<String> refused = responses(stranger, ask("smart", "yours?", false).put("previous_response_id", id));
        assertError(refused, 404, "previous_response_id");
        assertEquals("previous_response_not_found", json(refused.body()).at("/error/code").asText());
        String ownersOtherKey = gateway.admin("POST", "/keys", JSON.createObjectNode().put("user", owner))
                .get("key").asText();
        assertEquals(200, responses(ownersOtherKey, ask("smart", "ours", false).put("previous_response_id", id))
                .statusCode(), "the user owns it, whichever of its keys asks");

        String unstored = json(responses(ownersKey, ask("smart", "forget me", false).put("store", false)).body())
                .get("id").asText();
        assertError(responses(ownersKey, ask("smart", "again", false).put("previous_response_id", unstored)), 404,
                "previous_response_id");
    }

    private static JsonNode upstreamRequest(String model) {
        return switch (model) {
            case "smart" -> vendors.openai().lastRequest().json();
            case "ds" -> vendors.deepseek().lastRequest().json();
            default -> vendors.qwen().lastRequest().json();
        };
    }

    /** DeepSeek's reasoner sends reasoning_content: it becomes a reasoning item before the message. */
    @Test
    void reasoningTextIsAReasoningItemWholeAndStreamed() {
        HttpResponse<String> res = responses(key, ask("reasoner", "think about it", false));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode output = json(res.body()).get("output");
        assertEquals("reasoning", output.at("/0/type").asText(), res.body());
        assertTrue(output.at("/0/id").asText().startsWith("rs_"), res.body());
        assertEquals("reasoning_text", output.at("/0/content/0/type").asText(), res.body());
        assertFalse(output.at("/0/content/0/text").asText().isEmpty(), res.body());
        assertEquals("message", output.at("/1/type").asText(), res.body());

        List<SseEvent> events = stream(key, ask("reasoner", "think about it", true));
        List<String> names = events.stream().map(SseEvent::name).toList();
        assertEquals("reasoning", events.get(2).data().at("/item/type").asText(), names.toString());
        assertEquals("response.content_part.added", names.get(3), "the part the deltas add to, first: " + names);
        assertEquals("reasoning_text", events.get(3).data().at("/part/type").asText(), events.get(3).data().toString());
        assertEquals("response.reasoning_text.delta", names.get(4), names.toString());
        int reasoningDone = names.indexOf("response.reasoning_text.done");
        assertEquals("response.content_part.done", names.get(reasoningDone + 1), names.toString());
        assertEquals(events.get(reasoningDone).data().get("text").asText(),
                events.get(reasoningDone + 1).data().at("/part/text").asText());
        assertEquals("response.output_item.done", names.get(reasoningDone + 2));
        assertEquals(1, events.get(names.lastIndexOf("response.output_item.added")).data().get("output_index").asInt());
        JsonNode completed = events.getLast().data().get("response");
        assertEquals(List.of("reasoning", "message"), List.of(completed.at("/output/0/type").asText(),
                completed.at("/output/1/type").asText()));
    }

    @Test
    void aFailureMidStreamIsResponseFailedWithAnErrorObject() {
        vendors.openai().wordsPerChunk(1);
        vendors.openai().errorEventAfter(2);
        List<SseEvent> events = stream(key, ask("smart", "one two three four five six", true));
        SseEvent last = events.getLast();
        assertEquals("response.failed", last.name(), events.toString());
        assertEquals("failed", last.data().at("/response/status").asText());
        assertFalse(last.data().at("/response/error/code").asText().isEmpty(), last.data().toString());
        assertFalse(last.data().at("/response/error/message").asText().isEmpty(), last.data().toString());
        assertTrue(events.stream().noneMatch(e -> e.name().equals("response.completed")));
    }

    @Test
    void whatCannotBeTranslatedIsA400NamingTheParam() {
        vendors.openai().clearRequests();
        ObjectNode unknown = ask("smart", "hi", false).put("background", true);
        assertError(responses(key, unknown), 400, "background");
        ObjectNode builtIn = ask("smart", "hi", false);
        builtIn.putArray("tools").addObject().put("type", "web_search");
        assertError(responses(key, builtIn), 400, "tools[0].type");
        ObjectNode item = ask("smart", "hi", false);
        item.putArray("input").addObject().put("type", "file_search_call").put("id", "fs_1");
        assertError(responses(key, item), 400, "input[0].type");
        ObjectNode file = ask("smart", "hi", false);
        file.putArray("input").addObject().put("role", "user").putArray("content").addObject()
                .put("type", "input_file").put("file_id", "file-1");
        assertError(responses(key, file), 400, "input[0].content[0].type");
        ObjectNode choice = ask("smart", "hi", false);
        choice.putObject("tool_choice").put("type", "web_search_preview");
        assertError(responses(key, choice), 400, "tool_choice");
        ObjectNode format = ask("smart", "hi", false);
        format.putObject("text").putObject("format").put("type", "yaml");
        assertError(responses(key, format), 400, "text.format.type");
        ObjectNode noInput = ask("smart", "hi", false);
        noInput.remove("input");
        assertError(responses(key, noInput), 400, "input");
        assertError(responses(key, ask("smart", "hi", false).put("temperature", 3)), 400, "temperature");
        assertEquals(0, vendors.openai().requests().size(), "nothing reached the upstream");
    }

    @Test
    void errorsAreInOpenAisShape() {
        assertError(responses(null, ask("smart", "hi", false)), 401, null);
        assertError(responses(key, ask("no-such-model", "hi", false)), 404, null);
        assertEquals("model_not_found", json(responses(key, ask("no-such-model", "hi", false)).body())
                .at("/error/code").asText());
        HttpResponse<String> previous = responses(key, ask("smart", "hi", false).put("previous_response_id", "resp_x"));
        assertError(previous, 404, "previous_response_id");
        assertEquals("previous_response_not_found", json(previous.body()).at("/error/code").asText());
        vendors.openai().failNextOverloaded(10);
        assertEquals(503, responses(key, ask("smart", "hi", false)).statusCode());
    }

    @Test
    void aRateLimitAppliesAsForChatCompletions() {
        String limited = gateway.userWithKey("limited-responses");
        gateway.admin("PUT", "/limits", JSON.createObjectNode().put("scope", "user").put("subject", "limited-responses")
                .put("rpm", 1));
        assertEquals(200, responses(limited, ask("smart", "hi", false)).statusCode());
        HttpResponse<String> refused = responses(limited, ask("smart", "hi", false));
        assertError(refused, 429, null);
        assertTrue(refused.headers().firstValue("retry-after").isPresent(), refused.headers().toString());
    }

    /** The same question through both APIs costs the same; the reservation comes from max_output_tokens. */
    @Test
    void theQuotaIsChargedExactlyAsForChatCompletions() throws Exception {
        BigDecimal viaResponses = chargeOf("responses-payer", k -> responses(k, ask("paid", "hello", false)
                .put("max_output_tokens", 64)));
        BigDecimal viaChat = chargeOf("chat-payer", k -> api.post("/v1/chat/completions", k,
                ((ObjectNode) json(ApiCalls.chat("paid", "hello", false))).put("max_tokens", 64).toString()));
        assertEquals(0, viaChat.compareTo(viaResponses), viaChat + " vs " + viaResponses);
        assertEquals(0, new BigDecimal("0.003").compareTo(viaResponses), "1 prompt and 2 completion tokens at 0.001: "
                + viaResponses);
        // a reservation larger than the balance is refused before the upstream, as for chat
        HttpResponse<String> tooBig = chargeless("poor-responses", k -> responses(k, ask("paid", "hello", false)
                .put("max_output_tokens", 2_000_000)));
        assertEquals(429, tooBig.statusCode(), tooBig.body());
        assertEquals("insufficient_quota", json(tooBig.body()).at("/error/code").asText(), tooBig.body());
    }

    private static BigDecimal chargeOf(String user, java.util.function.Function<String, HttpResponse<String>> call)
            throws InterruptedException {
        gateway.admin("POST", "/users", JSON.createObjectNode().put("name", user).put("quota", BigDecimal.ONE));
        String k = gateway.admin("POST", "/keys", JSON.createObjectNode().put("user", user)).get("key").asText();
        HttpResponse<String> res = call.apply(k);
        assertEquals(200, res.statusCode(), res.body());
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode quota = gateway.admin("GET", "/users/" + user + "/quota", null);
        while (quota.get("balance").decimalValue().compareTo(BigDecimal.ONE) == 0 && System.nanoTime() < end) {
            Thread.sleep(20);
            quota = gateway.admin("GET", "/users/" + user + "/quota", null);
        }
        return BigDecimal.ONE.subtract(quota.get("balance").decimalValue());
    }

    private static HttpResponse<String> chargeless(String user,
                                                   java.util.function.Function<String, HttpResponse<String>> call) {
        gateway.admin("POST", "/users", JSON.createObjectNode().put("name", user).put("quota", BigDecimal.ONE));
        String k = gateway.admin("POST", "/keys", JSON.createObjectNode().put("user", user)).get("key").asText();
        return call.apply(k);
    }

    /** OpenAI's error shape: {"error":{"message","type","param","code"}}, with the param when one is named. */
    private static void assertError(HttpResponse<String> res, int status, String param) {
        assertEquals(status, res.statusCode(), res.body());
        JsonNode error = json(res.body()).get("error");
        assertNotNull(error, res.body());
        assertFalse(error.get("message").asText().isEmpty(), res.body());
        assertFalse(error.get("type").asText().isEmpty(), res.body());
        assertTrue(error.has("param") && error.has("code"), res.body());
        if (param != null) {
            assertEquals(param, error.get("param").asText(), res.body());
        }
    }

    static ObjectNode ask(String model, String text, boolean stream) {
        return JSON.createObjectNode().put("model", model).put("input", text).put("stream", stream);
    }

    static ObjectNode withTool(ObjectNode body) {
        ObjectNode tool = body.putArray("tools").addObject().put("type", "function").put("name", "get_weather")
                .put("description", "The weather in a city").put("strict", false);
        ObjectNode schema = tool.putObject("parameters").put("type", "object");
        schema.putObject("properties").putObject("city").put("type", "string");
        schema.putArray("required").add("city");
        body.put("tool_choice", "auto");
        return body;
    }

    static HttpResponse<String> responses(String apiKey, ObjectNode body) {
        return api.post("/v1/responses", apiKey, body.toString());
    }

    /** The events of a streamed answer, which must be a 200 event stream. */
    static List<SseEvent> stream(String apiKey, ObjectNode body) {
        HttpResponse<Stream<String>> res = api.postStreaming("/v1/responses", apiKey, body.toString());
        assertEquals(200, res.statusCode());
        assertTrue(res.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        List<SseEvent> events = SseEvent.parseTyped(res.body());
        return events;
    }
}
