package io.modelbridge.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.pipeline.FailoverOutcome;
import io.modelbridge.gateway.pipeline.ServingTarget;
import io.modelbridge.gateway.routing.Target;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.NativeResponses;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The Responses API ({@code POST /v1/responses}): each attempt of the plan goes to its channel natively when the
 * channel is marked {@code responses_api: native} and its plugin serves the Responses API ({@link NativeResponses}),
 * else through chat, translated. A plan may mix both: failover before the first byte moves from one to the other, and
 * a request only the native channels can serve (a built-in tool) gets the translation's 400 from a translated one.
 * Admission, billing and the usage row are chat's: the reservation from max_output_tokens, the upstream's usage.
 */
final class ResponsesOperation implements Operation<ResponsesCall> {
    private final ApiServices s;
    private final ChatOperation chat;

    ResponsesOperation(ApiServices services) {
        this.s = services;
        this.chat = new ChatOperation(services);
    }

    @Override
    public String model(ResponsesCall call) {
        return call.nativeRequest().model();
    }

    @Override
    public boolean stream(ResponsesCall call) {
        return call.nativeRequest().stream();
    }

    /** The translated request's count; an untranslatable one's instructions and input as text. */
    @Override
    public int countPrompt(ResponsesCall call) {
        return call.translated() != null ? s.tokens().prompt(call.translated().request())
                : s.tokens().text(call.nativeRequest().promptText());
    }

    @Override
    public Optional<Integer> maxTokens(ResponsesCall call) {
        return Optional.ofNullable(call.nativeRequest().maxOutputTokens());
    }

    @Override
    public ResponsesCall limitCompletion(ResponsesCall call, int tokens) {
        return call.withMaxOutputTokens(Math.max(1, tokens));
    }

    @Override
    public void serve(ResponsesCall call, List<Target> plan, Exchange exchange, ServerResponse res) {
        if (call.nativeRequest().stream()) {
            stream(call, plan, exchange, res);
        } else {
            complete(call, plan, exchange, res);
        }
    }

    /** What one attempt answered: the native upstream's response object, or a chat answer to translate back. */
    private sealed interface Answer {
        record Native(ObjectNode response) implements Answer {}

        record Translated(ChatResponse response) implements Answer {}
    }

    private void complete(ResponsesCall call, List<Target> plan, Exchange exchange, ServerResponse res) {
        FailoverOutcome<Answer> outcome = s.failover().run(plan, (serving, adapter, ctx) -> {
            String upstream = serving.target().upstreamModel();
            if (natively(serving, adapter) instanceof NativeResponses responses) {
                return new Answer.Native(responseObject(responses.respond(call.nativeRequest().upstreamBody(upstream),
                        ctx)));
            }
            return new Answer.Translated(adapter.chat(call.translatedOrThrow().request().withModel(upstream), ctx));
        });
        exchange.servedBy(outcome.target());
        FailoverOutcome.Served<Answer> served = outcome.servedOrThrow();
        byte[] body = switch (served.value()) {
            case Answer.Native a -> nativeAnswer(call.nativeRequest(), a.response(), exchange);
            case Answer.Translated a -> chat.answer(call.translated(), a.response(), exchange);
        };
        s.targetHeaders().set(res, served.servedBy());
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        exchange.answering();
        res.send(body);
    }

    private byte[] nativeAnswer(NativeResponsesRequest request, ObjectNode response, Exchange exchange) {
        Usage usage = NativeResponsesUsage.of(response);
        if (usage == null) {
            usage = Usage.of(exchange.promptTokens, s.tokens().text(NativeResponsesUsage.outputText(response)));
            exchange.estimated = true;
        }
        exchange.tokens(usage);
        request.keep(request.shown(response));
        return response.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void stream(ResponsesCall call, List<Target> plan, Exchange exchange, ServerResponse res) {
        StreamEncoder translated = call.translated() == null ? null
                : call.translated().answers().stream(exchange.promptTokens, exchange.profile);
        NativeResponsesStream encoder = new NativeResponsesStream(translated, call.nativeRequest(), s.json());
        RelayedStream.serve(s, plan, exchange, res, encoder, (RelayedStream.Attempt) (relay, serving, adapter, ctx) -> {
            String upstream = serving.target().upstreamModel();
            if (natively(serving, adapter) instanceof NativeResponses responses) {
                String body = call.nativeRequest().upstreamBody(upstream);
                return relay.relayPassed(serving, out -> responses.streamResponses(body, ctx,
                        event -> encoder.relay(event, out)));
            }
            var request = call.translatedOrThrow().request().withModel(upstream);
            return relay.relay(serving, out -> adapter.stream(request, ctx, out));
        });
    }

    /** The adapter as a native Responses server, when this channel is marked so and its plugin is one; else null. */
    private static NativeResponses natively(ServingTarget serving, ProviderAdapter adapter) {
        return serving.target().channel().responsesNative() && adapter instanceof NativeResponses responses
                && responses.servesResponses(serving.target().channel().settings()) ? responses : null;
    }

    /** The upstream's answer must be a JSON object: anything else is its protocol failure (another channel may do). */
    private ObjectNode responseObject(String text) {
        try {
            if (s.json().readTree(text) instanceof ObjectNode response) {
                return response;
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw new ProviderException(ProviderFailure.of(ProviderFailure.Kind.PROTOCOL,
                "the upstream's Responses API answer is not a JSON object"));
    }
}
