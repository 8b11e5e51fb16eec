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
import io.modelbridge.testkit.UpstreamFault;
import io.modelbridge.testkit.ernie.ErnieSimulator;
import io.modelbridge.testkit.glm.GlmSimulator;
import io.modelbridge.testkit.spark.SparkSimulator;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both client dialects, Anthropic Messages and OpenAI Responses, on the vendors whose wire is not OpenAI's: Zhipu GLM
 * (JWT, GLM framing), Baidu ERNIE (token exchange, {@code functions}, {@code is_end}) and iFlytek Spark (signed
 * WebSocket, frames), each plugin jar against its simulator behind an alias (the openai, deepseek and qwen plugins
 * are covered by {@link AnthropicMessagesIT} and {@link ResponsesApiIT}). Per vendor and dialect: a whole answer, a
 * stream in the dialect's order, a tool call round trip (all three vendors call functions), usage rows with the
 * dialect and the vendor's own token counts, and the vendor's errors in the dialect's shape.
 */
@Tag("it")
@Timeout(60)
class DialectsAcrossVendorsIT {
    @TempDir
    static Path dataDir;
    static GlmSimulator glm;
    static ErnieSimulator ernie;
    static SparkSimulator spark;
    static RunningGateway gateway;
    static ApiCalls api;
    static String key;

    @BeforeAll
    static void start() {
        glm = GlmSimulator.start();
        ernie = ErnieSimulator.start();
        spark = SparkSimulator.start();
        gateway = RunningGateway.start(dataDir);
        api = new ApiCalls(gateway.api());
        vendor("glm", glm.baseUri().toString(), glm.apiKey(), GlmSimulator.DEFAULT_KEY_ID + ".RevokedSecret000",
                "glm-4-plus");
        vendor("ernie", ernie.baseUri().toString(), ernie.credential(), ernie.apiKey() + "|notTheSecretKey0000000",
                "ERNIE-3.5-8K");
        vendor("spark", spark.baseUri().toString(), spark.credential(),
                SparkSimulator.DEFAULT_APP_ID + "|WrongSecretWrongSecretWrongSecr1|" + SparkSimulator.DEFAULT_API_KEY,
                "spark-max");
        key = gateway.userWithKey("dialects-user");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        glm.close();
        ernie.close();
        spark.close();
    }

    @AfterEach
    void heal() {
        glm.reset();
        ernie.reset();
        spark.reset();
    }

    // ---- Anthropic Messages ------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"glm", "ernie", "spark"})
    void anthropicWholeAnswerWithTheVendorsUsage(String vendor) {
        HttpResponse<String> res = messages(anthropicAsk(vendor, "hello there", false));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode body = json(res.body());
        assertTrue(body.get("id").asText().startsWith("msg_"), res.body());
        assertEquals(vendor, body.get("model").asText());
        assertEquals("text", body.at("/content/0/type").asText(), res.body());
        assertEquals("echo: hello there", body.at("/content/0/text").asText(), res.body());
        assertEquals("end_turn", body.get("stop_reason").asText(), res.body());
        assertEquals(2, body.at("/usage/input_tokens").asInt(), "the simulators count words: " + res.body());
        assertEquals(3, body.at("/usage/output_tokens").asInt(), res.body());
        assertRow(requestId(res), "anthropic-messages", 2, 3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"glm", "ernie", "spark"})
    void anthropicStreamIsItsEventsInOrderWithTheVendorsUsage(String vendor) {
        Streamed streamed = stream("/v1/messages", anthropicAsk(vendor, "stream this please", true));
        List<SseEvent> events = streamed.events().stream().filter(e -> !e.name().equals("ping")).toList();
        List<String> names = events.stream().map(SseEvent::name).toList();
        assertEquals(List.of("message_start", "content_block_start"), names.subList(0, 2), names.toString());
        assertEquals(List.of("content_block_stop", "message_delta", "message_stop"),
                names.subList(names.size() - 3, names.size()), names.toString());
        assertTrue(names.subList(2, names.size() - 3).stream().allMatch("content_block_delta"::equals), names.toString());
        StringBuilder text = new StringBuilder();
        for (SseEvent e : events.subList(2, events.size() - 3)) {
            assertEquals("text_delta", e.data().at("/delta/type").asText(), e.data().toString());
            text.append(e.data().at("/delta/text").asText());
        }
        assertEquals("echo: stream this please", text.toString());
        JsonNode delta = events.get(events.size() - 2).data();
        assertEquals("end_turn", delta.at("/delta/stop_reason").asText(), delta.toString());
        assertEquals(3, delta.at("/usage/input_tokens").asInt(), "the vendor's count, at the end: " + delta);
        assertEquals(4, delta.at("/usage/output_tokens").asInt(), "the vendor's count: " + delta);
        assertTrue(events.getFirst().data().at("/message/usage/input_tokens").asInt() > 0,
                "message_start has the gateway's own count: " + events.getFirst().data());
        assertRow(streamed.requestId(), "anthropic-messages", 3, 4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"glm", "ernie", "spark"})
    void anthropicToolUseRoundTripWholeAndStreamed(String vendor) {
        HttpResponse<String> res = messages(anthropicTool(anthropicAsk(vendor, "Paris", false)));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode answer = json(res.body());
        assertEquals("tool_use", answer.get("stop_reason").asText(), res.body());
        JsonNode use = null;
        for (JsonNode block : answer.get("content")) {
            use = block.get("type").asText().equals("tool_use") ? block : use;
        }
        assertNotNull(use, res.body());
        assertFalse(use.get("id").asText().isEmpty(), use.toString());
        assertEquals("get_weather", use.get("name").asText());
        assertEquals("Paris", use.at("/input/city").asText(), use.toString());

        ObjectNode second = anthropicTool(anthropicAsk(vendor, "Paris", false));
        ArrayNode history = (ArrayNode) second.get("messages");
        history.addObject().put("role", "assistant").set("content", answer.get("content"));
        history.addObject().put("role", "user").putArray("content").addObject().put("type", "tool_result")
                .put("tool_use_id", use.get("id").asText()).put("content", "18 degrees");
        HttpResponse<String> done = messages(second);
        assertEquals(200, done.statusCode(), done.body());
        assertEquals("end_turn", json(done.body()).get("stop_reason").asText(), done.body());
        assertEquals("text", json(done.body()).at("/content/0/type").asText(), done.body());

        glm.fragmentToolArguments(true); // GLM: id and name once, then the arguments in 8-character pieces
        List<SseEvent> events = stream("/v1/messages", anthropicTool(anthropicAsk(vendor, "Paris", true))).events();
        SseEvent start = events.stream().filter(e -> e.name().equals("content_block_start")
                && e.data().at("/content_block/type").asText().equals("tool_use")).findFirst().orElseThrow();
        assertEquals("get_weather", start.data().at("/content_block/name").asText(), events.toString());
        assertFalse(start.data().at("/content_block/id").asText().isEmpty(), start.data().toString());
        int index = start.data().get("index").asInt();
        StringBuilder input = new StringBuilder();
        events.stream().filter(e -> e.name().equals("content_block_delta") && e.data().get("index").asInt() == index)
                .forEach(e -> input.append(e.data().at("/delta/partial_json").asText()));
        assertEquals("Paris", json(input.toString()).get("city").asText(), events.toString());
        assertEquals("tool_use", events.get(events.size() - 2).data().at("/delta/stop_reason").asText(),
                events.toString());
        assertEquals("message_stop", events.getLast().name());
    }

    /** A refused channel credential is the operator's problem: 502 api_error (or 503, Anthropic's 529), never 401. */
    @ParameterizedTest
    @ValueSource(strings = {"glm", "ernie", "spark"})
    void anthropicVendorErrorsInAnthropicsShape(String vendor) {
        HttpResponse<String> auth = messages(anthropicAsk(vendor + "-broken", "hi", false));
        assertTrue(auth.statusCode() == 502 || auth.statusCode() == 529, auth.statusCode() + " " + auth.body());
        assertAnthropicError(auth, auth.statusCode() == 502 ? "api_error" : "overloaded_error");

        refuseNextAsUnsafe(vendor);
        assertAnthropicError(messages(anthropicAsk(vendor, "hi", false)), 400, "invalid_request_error");
        refuseNextAsUnsafe(vendor);
        HttpResponse<Stream<String>> streamed = api.postStreaming("/v1/messages", null,
                anthropicAsk(vendor, "hi", true).toString(), "x-api-key", key, "anthropic-version", "2023-06-01");
        assertEquals(400, streamed.statusCode(), "refused before the first byte");
        assertEquals("invalid_request_error", json(String.join("\n", streamed.body().toList())).at("/error/type")
                .asText());

        inject(vendor, new UpstreamFault.ErrorEventAfter(2));
        List<SseEvent> events = stream("/v1/messages", anthropicAsk(vendor, "one two three four five six", true)).events();
        assertEquals("error", events.getLast().name(), events.toString());
        assertFalse(events.getLast().data().at("/error/type").asText().isEmpty(), events.toString());
        assertTrue(events.stream().noneMatch(e -> e.name().equals("message_stop")), events.toString());
    }

    // ---- OpenAI Responses --------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"glm", "ernie", "spark"})
    void responsesWholeAnswerWithTheVendorsUsage(String vendor) {
        HttpResponse<String> res = responses(responsesAsk(vendor, "hello there", false));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode body = json(res.body());
        assertTrue(body.get("id").asText().startsWith("resp_"), res.body());
        assertEquals("completed", body.get("status").asText(), res.body());
        assertEquals(vendor, body.get("model").asText());
        assertEquals(1, body.get("output").size(), res.body());
        assertEquals("message", body.at("/output/0/type").asText(), res.body());
        assertEquals("echo: hello there", body.at("/output/0/content/0/text").asText(), res.body());
        assertEquals(2, body.at("/usage/input_tokens").asInt(), res.body());
        assertEquals(3, body.at("/usage/output_tokens").asInt(), res.body());
        assertEquals(5, body.at("/usage/total_tokens").asInt(), res.body());
        assertRow(requestId(res), "openai-responses", 2, 3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"glm", "ernie", "spark"})
    void responsesStreamIsTheTypedEventsInOrderWithTheVendorsUsage(String vendor) {
        Streamed streamed = stream("/v1/responses", responsesAsk(vendor, "stream this please", true));
        List<SseEvent> events = streamed.events();
        List<String> names = events.stream().map(SseEvent::name).toList();
        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added"), names.subList(0, 4), names.toString());
        assertEquals(List.of("response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.completed"), names.subList(names.size() - 4, names.size()), names.toString());
        assertTrue(names.subList(4, names.size() - 4).stream().allMatch("response.output_text.delta"::equals),
                names.toString());
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i, events.get(i).data().get("sequence_number").asInt(), names.toString());
            text.append(events.get(i).name().equals("response.output_text.delta")
                    ? events.get(i).data().get("delta").asText() : "");
        }
        assertEquals("echo: stream this please", text.toString());
        JsonNode completed = events.getLast().data().get("response");
        assertEquals("completed", completed.get("status").asText());
        assertEquals(text.toString(), completed.at("/output/0/content/0/text").asText());
        assertEquals(3, completed.at("/usage/input_tokens").asInt(), "the vendor's count: " + completed);
        assertEquals(4, completed.at("/usage/output_tokens").asInt(), "the vendor's count: " + completed);
        assertRow(streamed.requestId(), "openai-responses", 3, 4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"glm", "ernie", "spark"})
    void responsesFunctionCallRoundTripWholeStreamedAndStored(String vendor) {
        HttpResponse<String> res = responses(responsesTool(responsesAsk(vendor, "Paris", false)));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode first = json(res.body());
        JsonNode call = first.get("output").get(first.get("output").size() - 1);
        assertEquals("function_call", call.get("type").asText(), res.body());
        assertEquals("get_weather", call.get("name").asText());
        assertFalse(call.get("call_id").asText().isEmpty(), call.toString());
        assertEquals("Paris", json(call.get("arguments").asText()).get("city").asText(), call.toString());

        // the whole conversation sent back, nothing stored
        ObjectNode whole = responsesTool(responsesAsk(vendor, "Paris", false)).put("store", false);
        ArrayNode input = whole.putArray("input");
        input.addObject().put("role", "user").put("content", "Paris");
        input.add(call);
        input.addObject().put("type", "function_call_output").put("call_id", call.get("call_id").asText())
                .put("output", "18 degrees");
        HttpResponse<String> done = responses(whole);
        assertEquals(200, done.statusCode(), done.body());
        assertEquals("message", json(done.body()).at("/output/0/type").asText(), done.body());

        // the stored first turn continued by previous_response_id
        ObjectNode chained = responsesTool(responsesAsk(vendor, "Paris", false))
                .put("previous_response_id", first.get("id").asText());
        chained.putArray("input").addObject().put("type", "function_call_output")
                .put("call_id", call.get("call_id").asText()).put("output", "18 degrees");
        HttpResponse<String> continued = responses(chained);
        assertEquals(200, continued.statusCode(), continued.body());
        assertEquals("message", json(continued.body()).at("/output/0/type").asText(), continued.body());

        glm.fragmentToolArguments(true);
        List<SseEvent> events = stream("/v1/responses", responsesTool(responsesAsk(vendor, "Paris", true))).events();
        List<String> names = events.stream().map(SseEvent::name).toList();
        SseEvent added = events.stream().filter(e -> e.name().equals("response.output_item.added")
                && e.data().at("/item/type").asText().equals("function_call")).findFirst().orElseThrow();
        assertEquals("get_weather", added.data().at("/item/name").asText(), names.toString());
        StringBuilder arguments = new StringBuilder();
        events.stream().filter(e -> e.name().equals("response.function_call_arguments.delta"))
                .forEach(e -> arguments.append(e.data().get("delta").asText()));
        assertEquals("Paris", json(arguments.toString()).get("city").asText(), names.toString());
        int argumentsDone = names.indexOf("response.function_call_arguments.done");
        assertEquals(arguments.toString(), events.get(argumentsDone).data().get("arguments").asText());
        assertEquals("response.completed", names.getLast(), names.toString());
    }

    /** The vendor's errors in OpenAI's shape: a refused credential 502/503, a content refusal 400 content_filter. */
    @ParameterizedTest
    @ValueSource(strings = {"glm", "ernie", "spark"})
    void responsesVendorErrorsInOpenAisShape(String vendor) {
        HttpResponse<String> auth = responses(responsesAsk(vendor + "-broken", "hi", false));
        assertTrue(auth.statusCode() == 502 || auth.statusCode() == 503, auth.statusCode() + " " + auth.body());
        assertEquals("upstream_auth_failed", assertOpenAiError(auth).get("code").asText(), auth.body());

        refuseNextAsUnsafe(vendor);
        HttpResponse<String> filtered = responses(responsesAsk(vendor, "hi", false));
        assertEquals(400, filtered.statusCode(), filtered.body());
        assertEquals("content_filter", assertOpenAiError(filtered).get("code").asText(), filtered.body());

        inject(vendor, new UpstreamFault.ErrorEventAfter(2));
        List<SseEvent> events = stream("/v1/responses", responsesAsk(vendor, "one two three four five six", true))
                .events();
        assertEquals("response.failed", events.getLast().name(), events.toString());
        assertFalse(events.getLast().data().at("/response/error/message").asText().isEmpty(), events.toString());
        assertTrue(events.stream().noneMatch(e -> e.name().equals("response.completed")), events.toString());
    }

    /**
     * GLM can stop an answer it has begun for its content filter (finish_reason {@code sensitive}): Anthropic's
     * stop_reason {@code refusal}; Responses' status {@code incomplete} with reason {@code content_filter}. Whole and
     * streamed, the text sent so far kept.
     */
    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void aContentFilterStopMidAnswerIsWhatEachDialectCallsIt(boolean stream) {
        glm.finishWith("sensitive");
        JsonNode incomplete;
        if (stream) {
            List<SseEvent> anthropic = stream("/v1/messages", anthropicAsk("glm", "hello there", true)).events();
            assertEquals("refusal", anthropic.get(anthropic.size() - 2).data().at("/delta/stop_reason").asText(),
                    anthropic.toString());
            assertEquals("message_stop", anthropic.getLast().name());
            List<SseEvent> responses = stream("/v1/responses", responsesAsk("glm", "hello there", true)).events();
            assertEquals("response.incomplete", responses.getLast().name(), responses.toString());
            incomplete = responses.getLast().data().get("response");
        } else {
            HttpResponse<String> anthropic = messages(anthropicAsk("glm", "hello there", false));
            assertEquals(200, anthropic.statusCode(), anthropic.body());
            assertEquals("refusal", json(anthropic.body()).get("stop_reason").asText(), anthropic.body());
            HttpResponse<String> responses = responses(responsesAsk("glm", "hello there", false));
            assertEquals(200, responses.statusCode(), responses.body());
            incomplete = json(responses.body());
        }
        assertEquals("incomplete", incomplete.get("status").asText(), incomplete.toString());
        assertEquals("content_filter", incomplete.at("/incomplete_details/reason").asText(), incomplete.toString());
        assertEquals("echo: hello there", incomplete.at("/output/0/content/0/text").asText(), incomplete.toString());
    }

    /**
     * What a vendor cannot do is a 400 in the dialect's shape before anything reaches it: GLM lets the model choose
     * (no forced tool), ERNIE takes one function call per assistant turn, Spark has no stop sequences; none of them has
     * a reasoning effort (Responses' reasoning.effort, chat's reasoning_effort).
     */
    @ParameterizedTest
    @ValueSource(strings = {"glm", "ernie", "spark"})
    void whatTheVendorCannotTakeIsA400InEachDialect(String vendor) {
        ObjectNode anthropic = anthropicTool(anthropicAsk(vendor, "Paris and Rome", false));
        ObjectNode responses = responsesTool(responsesAsk(vendor, "Paris and Rome", false));
        switch (vendor) {
            case "glm" -> {
                anthropic.putObject("tool_choice").put("type", "any");
                responses.put("tool_choice", "required");
            }
            case "ernie" -> {
                ArrayNode turns = (ArrayNode) anthropic.get("messages");
                ArrayNode calls = turns.addObject().put("role", "assistant").putArray("content");
                ArrayNode results = turns.addObject().put("role", "user").putArray("content");
                ArrayNode input = responses.putArray("input");
                input.addObject().put("role", "user").put("content", "Paris and Rome");
                for (String city : List.of("Paris", "Rome")) {
                    calls.addObject().put("type", "tool_use").put("id", "toolu_" + city).put("name", "get_weather")
                            .putObject("input").put("city", city);
                    results.addObject().put("type", "tool_result").put("tool_use_id", "toolu_" + city)
                            .put("content", "18 degrees");
                    input.addObject().put("type", "function_call").put("call_id", "call_" + city)
                            .put("name", "get_weather").put("arguments", "{\"city\":\"" + city + "\"}");
                }
                for (String city : List.of("Paris", "Rome")) {
                    input.addObject().put("type", "function_call_output").put("call_id", "call_" + city)
                            .put("output", "18 degrees");
                }
            }
            default -> {
                anthropic.putArray("stop_sequences").add("END");
                responses.putObject("text").putObject("format").put("type", "json_object");
            }
        }
        int before = requestsSeen(vendor);
        HttpResponse<String> refused = messages(anthropic);
        assertAnthropicError(refused, 400, "invalid_request_error");
        HttpResponse<String> refusedToo = responses(responses);
        assertEquals(400, refusedToo.statusCode(), refusedToo.body());
        assertEquals("invalid_request_error", assertOpenAiError(refusedToo).get("type").asText());
        ObjectNode effort = responsesAsk(vendor, "hi", false);
        effort.putObject("reasoning").put("effort", "high");
        HttpResponse<String> noReasoning = responses(effort);
        assertEquals(400, noReasoning.statusCode(), "none of the three has reasoning_effort: " + noReasoning.body());
        assertTrue(assertOpenAiError(noReasoning).get("message").asText().contains("reasoning_effort"),
                noReasoning.body());
        assertEquals(before, requestsSeen(vendor), "refused before reaching " + vendor);
    }

    /**
     * An image: GLM takes it as an image_url part (raw base64, its vision models read it); ERNIE's and Spark's chat
     * take text only, a 400 in the dialect's shape before anything reaches them.
     */
    @ParameterizedTest
    @ValueSource(strings = {"glm", "ernie", "spark"})
    void anImageGoesToGlmAndIsA400ForTextOnlyVendors(String vendor) {
        ObjectNode anthropic = anthropicAsk(vendor, "x", false);
        ArrayNode blocks = ((ObjectNode) anthropic.get("messages").get(0)).putArray("content");
        blocks.addObject().put("type", "image").putObject("source").put("type", "base64")
                .put("media_type", "image/png").put("data", "iVBORw0KGgo=");
        blocks.addObject().put("type", "text").put("text", "what is this");
        ObjectNode responses = responsesAsk(vendor, "x", false);
        ArrayNode parts = responses.putArray("input").addObject().put("role", "user").putArray("content");
        parts.addObject().put("type", "input_image").put("image_url", "data:image/png;base64,iVBORw0KGgo=");
        parts.addObject().put("type", "input_text").put("text", "what is this");
        if (vendor.equals("glm")) {
            assertEquals(200, messages(anthropic).statusCode());
            assertEquals("iVBORw0KGgo=", glm.lastRequest().json().at("/messages/0/content/0/image_url/url").asText(),
                    glm.lastRequest().json().toString());
            assertEquals(200, responses(responses).statusCode());
            assertEquals("iVBORw0KGgo=", glm.lastRequest().json().at("/messages/0/content/0/image_url/url").asText(),
                    glm.lastRequest().json().toString());
            return;
        }
        int before = requestsSeen(vendor);
        assertAnthropicError(messages(anthropic), 400, "invalid_request_error");
        HttpResponse<String> refused = responses(responses);
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("invalid_request_error", assertOpenAiError(refused).get("type").asText());
        assertEquals(before, requestsSeen(vendor), "refused before reaching " + vendor);
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** A vendor's working channel behind the alias {@code name}, and a channel with a refused credential behind {@code name-broken}. */
    private static void vendor(String name, String baseUrl, String credential, String refusedCredential, String model) {
        gateway.channel(name, name, baseUrl, credential, model);
        gateway.channel(name + "-broken", name, baseUrl, refusedCredential, model);
        gateway.alias(name, name, model);
        gateway.alias(name + "-broken", name + "-broken", model);
    }

    private static void refuseNextAsUnsafe(String vendor) {
        switch (vendor) {
            case "glm" -> glm.failNextContentFilter(1);
            case "ernie" -> ernie.flagNext(1);
            default -> spark.failNextContentFilter(1);
        }
    }

    private static int requestsSeen(String vendor) {
        return switch (vendor) {
            case "glm" -> glm.requests().size();
            case "ernie" -> ernie.requests().size();
            default -> spark.requests().size();
        };
    }

    private static void inject(String vendor, UpstreamFault fault) {
        switch (vendor) {
            case "glm" -> glm.inject(fault);
            case "ernie" -> ernie.inject(fault);
            default -> spark.inject(fault);
        }
    }

    /** The request's usage row names the dialect and carries the vendor's counts. */
    private static void assertRow(String requestId, String dialect, int prompt, int completion) {
        JsonNode row = UsageRows.find(gateway, requestId);
        assertEquals(200, row.get("status").asInt(), row.toString());
        assertEquals(dialect, row.get("dialect").asText(), row.toString());
        assertEquals(prompt, row.get("prompt_tokens").asInt(), row.toString());
        assertEquals(completion, row.get("completion_tokens").asInt(), row.toString());
    }

    private static void assertAnthropicError(HttpResponse<String> res, int status, String type) {
        assertEquals(status, res.statusCode(), res.body());
        assertAnthropicError(res, type);
    }

    private static void assertAnthropicError(HttpResponse<String> res, String type) {
        JsonNode body = json(res.body());
        assertEquals("error", body.get("type").asText(), res.body());
        assertEquals(type, body.at("/error/type").asText(), res.body());
        assertFalse(body.at("/error/message").asText().isEmpty(), res.body());
        assertFalse(res.body().contains("Secret") || res.body().contains("\tat "), res.body());
    }

    private static JsonNode assertOpenAiError(HttpResponse<String> res) {
        JsonNode error = json(res.body()).get("error");
        assertNotNull(error, res.body());
        for (String field : List.of("message", "type", "param", "code")) {
            assertTrue(error.has(field), field + ": " + res.body());
        }
        assertFalse(res.body().contains("Secret") || res.body().contains("\tat "), res.body());
        return error;
    }

    private static ObjectNode anthropicAsk(String model, String text, boolean stream) {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("max_tokens", 64).put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", text);
        return body;
    }

    private static ObjectNode anthropicTool(ObjectNode body) {
        ObjectNode schema = body.putArray("tools").addObject().put("name", "get_weather")
                .put("description", "The weather in a city").putObject("input_schema").put("type", "object");
        schema.putObject("properties").putObject("city").put("type", "string");
        schema.putArray("required").add("city");
        return body;
    }

    private static ObjectNode responsesAsk(String model, String text, boolean stream) {
        return JSON.createObjectNode().put("model", model).put("input", text).put("stream", stream);
    }

    private static ObjectNode responsesTool(ObjectNode body) {
        ObjectNode schema = body.putArray("tools").addObject().put("type", "function").put("name", "get_weather")
                .put("description", "The weather in a city").putObject("parameters").put("type", "object");
        schema.putObject("properties").putObject("city").put("type", "string");
        schema.putArray("required").add("city");
        return body;
    }

    private static HttpResponse<String> messages(ObjectNode body) {
        return api.post("/v1/messages", null, body.toString(), "x-api-key", key, "anthropic-version", "2023-06-01");
    }

    private static HttpResponse<String> responses(ObjectNode body) {
        return api.post("/v1/responses", key, body.toString());
    }

    private static String requestId(HttpResponse<?> res) {
        return res.headers().firstValue("x-modelbridge-request-id").orElseThrow();
    }

    record Streamed(String requestId, List<SseEvent> events) {}

    /** A 200 event stream's named events, each checked to name its data's type. */
    private static Streamed stream(String path, ObjectNode body) {
        HttpResponse<Stream<String>> res = path.equals("/v1/messages")
                ? api.postStreaming(path, null, body.toString(), "x-api-key", key, "anthropic-version", "2023-06-01")
                : api.postStreaming(path, key, body.toString());
        assertEquals(200, res.statusCode());
        assertTrue(res.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        List<SseEvent> events = SseEvent.parseTyped(res.body());
        return new Streamed(requestId(res), events);
    }
}
