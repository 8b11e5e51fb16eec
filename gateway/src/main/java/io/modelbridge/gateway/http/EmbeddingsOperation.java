package io.modelbridge.gateway.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.pipeline.FailoverOutcome;
import io.modelbridge.gateway.routing.Target;
import io.modelbridge.spi.EmbeddingRequest;
import io.modelbridge.spi.EmbeddingResponse;
import io.modelbridge.spi.Usage;
import java.util.List;
import java.util.Optional;

/** Embeddings, in any dialect: a target is called with failover and its vectors go back in the call's dialect. */
final class EmbeddingsOperation implements Operation<EmbeddingsCall> {
    private final ApiServices s;

    EmbeddingsOperation(ApiServices services) {
        this.s = services;
    }

    @Override
    public String model(EmbeddingsCall call) {
        return call.request().model();
    }

    @Override
    public boolean stream(EmbeddingsCall call) {
        return false;
    }

    @Override
    public int countPrompt(EmbeddingsCall call) {
        return s.tokens().inputs(call.request().input());
    }

    /** Embeddings produce no completion tokens. */
    @Override
    public Optional<Integer> maxTokens(EmbeddingsCall call) {
        return Optional.of(0);
    }

    /** Never lowered: embeddings set their completion tokens (none). */
    @Override
    public EmbeddingsCall limitCompletion(EmbeddingsCall call, int tokens) {
        return call;
    }

    @Override
    public void serve(EmbeddingsCall call, List<Target> plan, Exchange exchange, ServerResponse res) {
        EmbeddingRequest request = call.request();
        FailoverOutcome<EmbeddingResponse> outcome = s.failover().run(plan,
                (serving, adapter, ctx) -> adapter.embed(request.withModel(serving.target().upstreamModel()), ctx));
        exchange.servedBy(outcome.target());
        FailoverOutcome.Served<EmbeddingResponse> served = outcome.servedOrThrow();
        Usage usage = served.value().usage() != null ? served.value().usage() : Usage.of(exchange.promptTokens, 0);
        exchange.promptTokens = usage.promptTokens();
        exchange.estimated = served.value().usage() == null;
        byte[] body = call.answer().encode(served.value(), usage);
        s.targetHeaders().set(res, served.servedBy());
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        exchange.answering();
        res.send(body);
    }
}
