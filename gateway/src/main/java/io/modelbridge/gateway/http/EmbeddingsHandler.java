package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.DatabaseOutage;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.pipeline.Admission;
import io.modelbridge.gateway.pipeline.RequestContext;
import io.modelbridge.gateway.pipeline.UpstreamResult;
import io.modelbridge.spi.EmbeddingRequest;
import io.modelbridge.spi.EmbeddingResponse;
import io.modelbridge.spi.Usage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** POST /v1/embeddings, with OpenAI's float or base64 (little-endian float32) encoding done here for every vendor. */
final class EmbeddingsHandler implements Handler {
    private static final Set<String> TYPED = Set.of("model", "input", "encoding_format", "dimensions", "user");
    private final ApiServices s;
    private final JsonFields fields;

    EmbeddingsHandler(ApiServices services) {
        this.s = services;
        this.fields = new JsonFields(services.json());
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        CallRecord call = CallRecord.start(req, s.clock().instant());
        call.identify(res);
        Admission.Ticket ticket = null;
        try (RequestContext.Scope scope = RequestContext.open(call.logName())) {
            call.caller = s.auth().authenticate(req.headers().first(HeaderNames.AUTHORIZATION), ClientAddress.of(req));
            JsonNode body = RequestBodies.readJson(req, s.json(), s.maxBodyBytes());
            call.named(ClientModel.of(body), s.routes().get());
            EmbeddingRequest request = parse(body);
            String format = JsonFields.string(body, "encoding_format", "encoding_format");
            if (format != null && !format.equals("float") && !format.equals("base64")) {
                throw new GatewayException(ApiError.invalidValue("'encoding_format' must be 'float' or 'base64'.", "encoding_format"));
            }
            call.model = request.model();
            var plan = Models.plan(s, call.caller, request.model());
            ticket = s.admission().admit(call.caller, request.model(), call.requestId,
                    () -> s.tokens().inputs(request.input()), Optional.of(0));
            call.promptTokens = ticket.promptTokens();
            ticket.headers().forEach((k, v) -> res.header(HeaderNames.create(k), v));
            UpstreamResult<EmbeddingResponse> served = s.failover().run(plan,
                    (target, adapter, ctx) -> adapter.embed(request.withModel(target.upstreamModel()), ctx),
                    () -> true, serving -> call.target = serving.target());
            Usage usage = served.value().usage() != null ? served.value().usage()
                    : Usage.of(call.promptTokens, 0);
            call.promptTokens = usage.promptTokens();
            call.estimated = served.value().usage() == null;
            ChatHandler.targetHeaders(served.servedBy()).forEach((k, v) -> res.header(HeaderNames.create(k), v));
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            call.delivered = true;
            res.send(s.json().writeValueAsBytes(body(request.model(), served.value(), usage, "base64".equals(format))));
        } catch (GatewayException e) {
            call.failed(e.error().status(), e.error().code());
            s.errors().write(res, e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            if (DatabaseOutage.is(e)) {
                call.failed(503, DatabaseOutage.CODE);
                s.errors().write(res, DatabaseOutage.exception());
            } else {
                org.slf4j.LoggerFactory.getLogger(EmbeddingsHandler.class).error("Request {} failed unexpectedly",
                        call.requestId, e);
                call.failed(500, "internal_error");
                s.errors().write(res, ApiError.internal(call.requestId), Map.of());
            }
            call.delivered = false;
        } finally {
            if (ticket != null) {
                call.cost = ticket.finish(call.billedPromptTokens(), 0);
                ticket.record(call.toUsage(), s.usage());
            } else {
                s.usage().record(call.toUsage());
            }
            call.report(s.metrics());
        }
    }

    private EmbeddingRequest parse(JsonNode body) {
        if (!body.isObject()) {
            throw new GatewayException(ApiError.invalidRequest("The request body must be a JSON object.", null));
        }
        String model = JsonFields.requiredString(body, "model", "model");
        JsonNode input = body.get("input");
        List<String> texts = new ArrayList<>();
        if (input != null && input.isTextual()) {
            texts.add(input.textValue());
        } else if (input != null && input.isArray() && !input.isEmpty()) {
            input.forEach(t -> {
                if (!t.isTextual()) {
                    throw JsonFields.invalid("input", "a string or an array of strings");
                }
                texts.add(t.textValue());
            });
        } else {
            throw JsonFields.invalid("input", "a non-empty string or array of strings");
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        body.fields().forEachRemaining(e -> {
            if (!TYPED.contains(e.getKey())) {
                extras.put(e.getKey(), fields.plainValue(e.getValue()));
            }
        });
        return new EmbeddingRequest(model, texts, JsonFields.positiveInt(body, "dimensions"),
                JsonFields.string(body, "user", "user"), extras);
    }

    private ObjectNode body(String model, EmbeddingResponse response, Usage usage, boolean base64) {
        ObjectNode root = s.json().createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (int i = 0; i < response.vectors().size(); i++) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            float[] v = response.vectors().get(i);
            if (base64) {
                ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) {
                    buf.putFloat(f);
                }
                item.put("embedding", Base64.getEncoder().encodeToString(buf.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float f : v) {
                    values.add(f);
                }
            }
        }
        root.put("model", model);
        root.putObject("usage").put("prompt_tokens", usage.promptTokens()).put("total_tokens", usage.promptTokens());
        return root;
    }
}
