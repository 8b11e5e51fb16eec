package io.modelbridge.gateway.http;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.modelbridge.gateway.config.ApiEdgeConfig;
import io.modelbridge.gateway.error.ErrorMapper;
import io.modelbridge.gateway.error.GatewayException;
import java.util.function.BooleanSupplier;

/** The client-facing listener: the OpenAI API plus health probes. */
public final class OpenAiRoutes {
    private final ErrorMapper errors = new ErrorMapper();
    private final ApiServices s;
    private final InFlight inFlight;
    private final BooleanSupplier ready;
    private final ApiEdgeConfig edge;

    public OpenAiRoutes(ApiServices services, InFlight inFlight, BooleanSupplier ready, ApiEdgeConfig edge) {
        this.s = services;
        this.inFlight = inFlight;
        this.ready = ready;
        this.edge = edge;
    }

    public void register(HttpRouting.Builder routing) {
        ModelsHandler models = new ModelsHandler(s);
        RequestPipeline pipeline = new RequestPipeline(s);
        ChatOperation chat = new ChatOperation(s);
        AnthropicMessagesCodec anthropic = new AnthropicMessagesCodec(s.json(), edge.streamPing());
        StoredResponsesHandler stored = new StoredResponsesHandler(s);
        routing.addFilter(new ApiRequestIds())
                .addFilter(new ApiCors(edge)) // before InFlight: even a drain's 503 must be readable by a page
                .addFilter(inFlight)
                .any(PathCleanup::handle)
                // one route per client dialect's endpoint: its codec, and the kind of call it decodes to
                .post("/v1/chat/completions", pipeline.handler(new OpenAiChatCodec(s.json(), s.errors(), s.clock()), chat))
                .post("/v1/completions", pipeline.handler(new OpenAiCompletionsCodec(s.json(), s.errors(), s.clock()),
                        new CompletionsOperation(s)))
                .post("/v1/embeddings", pipeline.handler(new OpenAiEmbeddingsCodec(s.json(), s.errors()),
                        new EmbeddingsOperation(s)))
                .post("/v1/messages", pipeline.handler(anthropic, chat))
                .post("/v1/responses", pipeline.handler(new ResponsesCodec(new OpenAiResponsesCodec(s.json(),
                        s.errors(), s.clock(), s.responses()), s.json(), s.responses(), s.clock(), s.routes()),
                        new ResponsesOperation(s)))
                .post("/v1/messages/count_tokens", new AnthropicCountTokens(s, anthropic))
                // the Responses API's stored answers (POST /v1/responses is the dialect's)
                .get("/v1/responses/{id}", stored::get)
                .delete("/v1/responses/{id}", stored::delete)
                .get("/v1/responses/{id}/input_items", stored::inputItems)
                .get("/v1/models", models::list)
                .get("/v1/models/{id}", models::one)
                .get("/healthz", (req, res) -> res.send("ok"))
                .get("/readyz", (req, res) -> {
                    boolean ok = ready.getAsBoolean() && !inFlight.leaving();
                    res.status(ok ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503).send(ok ? "ready" : "not ready");
                })
                .register(rules -> MethodRoutes.register(rules, models))
                .any("/v1/*", (req, res) -> {
                    throw new GatewayException(ErrorMapper.unknownUrl(req));
                })
                // everything a route throws (GatewayException, Helidon's HttpException, the unforeseen): one mapper
                .error(Throwable.class, (req, res, e) -> s.errors().write(res, s.targetHeaders().shown(
                        errors.map(req, e, res.headers().first(RequestIds.OWN_HEADER).orElse("-")))));
    }
}
