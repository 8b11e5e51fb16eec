package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official OpenAI Java SDK's Responses API (com.openai:openai-java, unmodified) against the gateway, with the
 * openai, deepseek and qwen plugins behind aliases. Every object and event the SDK reads is validated against its
 * own model ({@code validate()}), so a missing required field fails here.
 */
@Tag("it")
@Timeout(120)
class ResponsesSdkIT {
    @TempDir
    static Path dataDir;
    static ThreeVendors vendors;
    static RunningGateway gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        vendors = ThreeVendors.start();
        gateway = RunningGateway.start(dataDir);
        vendors.routeOn(gateway);
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.api() + "/v1").apiKey(gateway.userWithKey("sdk-user"))
                .maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        gateway.close();
        vendors.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen"})
    void createsAResponse(String model) {
        Response response = client.responses().create(ResponseCreateParams.builder().model(model)
                .instructions("Be brief.").input("What is ModelBridge?").maxOutputTokens(64).build());
        response.validate();
        assertTrue(response.id().startsWith("resp_"), response.id());
        assertEquals(ResponseStatus.COMPLETED, response.status().orElseThrow());
        assertEquals(model, response.model().asString());
        assertTrue(text(response).contains("What is ModelBridge?"), text(response));
        assertTrue(response.usage().orElseThrow().inputTokens() > 0);
        assertTrue(response.usage().orElseThrow().outputTokens() > 0);
        assertEquals("Be brief.", response.instructions().orElseThrow().asString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen"})
    void streamsTheTypedEvents(String model) {
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ResponseCreateParams
                .builder().model(model).input("hello streaming world").build())) {
            stream.stream().forEach(events::add);
        }
        events.forEach(ResponseStreamEvent::validate);
        assertTrue(events.getFirst().isCreated(), events.getFirst().toString());
        assertTrue(events.get(1).isInProgress());
        assertTrue(events.getLast().isCompleted(), events.getLast().toString());
        StringBuilder deltas = new StringBuilder();
        events.stream().filter(ResponseStreamEvent::isOutputTextDelta)
                .forEach(e -> deltas.append(e.asOutputTextDelta().delta()));
        assertTrue(deltas.toString().contains("hello streaming world"), deltas.toString());
        Response completed = events.getLast().asCompleted().response();
        assertEquals(deltas.toString(), text(completed));
        assertTrue(completed.usage().orElseThrow().outputTokens() > 0);
    }

    /** store false: the client sends the whole conversation, with the function call and its output. */
    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen"})
    void aFunctionCallRoundTripWithStoreFalse(String model) {
        Response first = client.responses().create(withTool(model).input("Paris").build());
        first.validate();
        ResponseFunctionToolCall call = first.output().stream().filter(ResponseOutputItem::isFunctionCall)
                .map(ResponseOutputItem::asFunctionCall).findFirst().orElseThrow(() -> new AssertionError(first));
        assertEquals("get_weather", call.name());
        assertTrue(call.arguments().contains("Paris"), call.arguments());

        Response second = client.responses().create(withTool(model).inputOfResponse(List.of(
                ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.USER)
                        .content("Paris").build()),
                ResponseInputItem.ofFunctionCall(call),
                ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                        .callId(call.callId()).output("18 degrees").build()))).build());
        second.validate();
        assertEquals(ResponseStatus.COMPLETED, second.status().orElseThrow());
        assertTrue(second.output().stream().anyMatch(ResponseOutputItem::isMessage), second.toString());
    }

    /** store (the default): the second call names the first with previous_response_id and sends only the output. */
    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen"})
    void aFunctionCallRoundTripWithPreviousResponseId(String model) {
        Response first = client.responses().create(withTool(model).store(true).input("Paris").build());
        ResponseFunctionToolCall call = first.output().stream().filter(ResponseOutputItem::isFunctionCall)
                .map(ResponseOutputItem::asFunctionCall).findFirst().orElseThrow(() -> new AssertionError(first));
        Response second = client.responses().create(withTool(model).store(true).previousResponseId(first.id())
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput
                        .builder().callId(call.callId()).output("18 degrees").build()))).build());
        second.validate();
        assertEquals(first.id(), second.previousResponseId().orElseThrow());
        assertTrue(second.output().stream().anyMatch(ResponseOutputItem::isMessage), second.toString());
    }

    @Test
    void anUnknownModelIsTheSdksNotFoundException() {
        NotFoundException e = assertThrows(NotFoundException.class, () -> client.responses().create(
                ResponseCreateParams.builder().model("no-such-model").input("hi").build()));
        assertEquals(404, e.statusCode());
        assertTrue(e.getMessage().contains("no-such-model"), e.getMessage());
    }

    static ResponseCreateParams.Builder withTool(String model) {
        FunctionTool.Parameters parameters = FunctionTool.Parameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                .build();
        return ResponseCreateParams.builder().model(model).store(false).addTool(FunctionTool.builder()
                .name("get_weather").description("The weather in a city").parameters(parameters).strict(false)
                .build());
    }

    static String text(Response response) {
        StringBuilder text = new StringBuilder();
        response.output().stream().filter(ResponseOutputItem::isMessage).forEach(m -> m.asMessage().content()
                .forEach(c -> text.append(c.asOutputText().text())));
        return text.toString();
    }
}
