package io.modelbridge.gateway.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.modelbridge.gateway.config.ApiEdgeConfig;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.DatabaseOutage;
import io.modelbridge.gateway.error.GatewayException;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client-facing listener: the OpenAI API plus health probes. */
public final class OpenAiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiRoutes.class);
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
        routing.addFilter(new ApiRequestIds())
                .addFilter(new ApiCors(edge)) // before InFlight: even a drain's 503 must be readable by a page
                .addFilter(inFlight)
                .addFilter(new RoutingDisclosure(edge.exposeRouting()))
                .any(PathCleanup::handle)
                .post("/v1/chat/completions", new ChatHandler(s))
                .post("/v1/embeddings", new EmbeddingsHandler(s))
                .get("/v1/models", models::list)
                .get("/v1/models/{id}", models::one)
                .get("/healthz", (req, res) -> res.send("ok"))
                .get("/readyz", (req, res) -> {
                    boolean ok = ready.getAsBoolean() && !inFlight.leaving();
                    res.status(ok ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503).send(ok ? "ready" : "not ready");
                })
                .register(rules -> MethodRoutes.register(rules, models))
                .any("/v1/*", (req, res) -> {
                    throw new GatewayException(ApiError.notFound("unknown_url", "Unknown request URL: "
                            + req.prologue().method().text() + " " + req.path().path() + "."));
                })
                .error(GatewayException.class, (req, res, e) -> s.errors().write(res, e))
                .error(HttpException.class, (req, res, e) -> s.errors().write(res, e.status().code() == 404
                        ? ApiError.notFound("unknown_url", "Unknown request URL: " + req.prologue().method().text()
                                + " " + req.path().path() + ".")
                        : new ApiError(e.status().code(), "invalid_request_error", null, null,
                                "The request was refused: " + e.status().reasonPhrase() + "."), Map.of()))
                .error(Throwable.class, (req, res, e) -> {
                    if (DatabaseOutage.is(e)) {
                        s.errors().write(res, DatabaseOutage.exception());
                        return;
                    }
                    String id = res.headers().first(RequestIds.OWN_HEADER).orElse("-");
                    LOG.error("Unhandled error on {} (request {})", req.path().path(), id, e);
                    s.errors().write(res, ApiError.internal(id), Map.of());
                });
    }
}
