package io.modelbridge.gateway.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.pipeline.FailoverOutcome;
import io.modelbridge.gateway.pipeline.ServingTarget;
import io.modelbridge.gateway.routing.Target;
import io.modelbridge.spi.ChatPassthrough;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.Usage;
import java.util.List;
import java.util.Optional;

/**
 * Chat, in any dialect: a target is called with failover, and its answer goes back whole (JSON) or relayed as it
 * streams (SSE), encoded by the call's dialect. Records in the {@link Exchange} what reached the client: the
 * upstream's usage when it sent one, else the gateway's own count. A call whose body may go upstream as the client
 * sent it ({@link ClientChatBody}) does so through a plugin that offers it ({@link ChatPassthrough}), and its whole
 * answer is relayed as it came, with only id, created and model replaced ({@link RelayedAnswer}), where that says
 * what the encoder would; so are the events of its stream, one by one ({@link ChatPassthrough.PassedEvent}).
 */
final class ChatOperation implements Operation<ChatCall> {
    private final ApiServices s;

    ChatOperation(ApiServices services) {
        this.s = services;
    }

    @Override
    public String model(ChatCall call) {
        return call.request().model();
    }

    @Override
    public boolean stream(ChatCall call) {
        return call.request().stream();
    }

    @Override
    public int countPrompt(ChatCall call) {
        return s.tokens().prompt(call.request());
    }

    /** max_tokens for each of the request's n choices. */
    @Override
    public Optional<Integer> maxTokens(ChatCall call) {
        ChatRequest chat = call.request();
        Integer max = chat.sampling() == null ? null : chat.sampling().maxTokens();
        int n = chat.sampling() == null || chat.sampling().n() == null ? 1 : Math.max(1, chat.sampling().n());
        return Optional.ofNullable(max).map(m -> (int) Math.min((long) m * n, Integer.MAX_VALUE));
    }

    /** max_tokens for each of the request's n choices: the limit shared among them, at least 1. */
    @Override
    public ChatCall limitCompletion(ChatCall call, int tokens) {
        ChatRequest chat = call.request();
        int n = chat.sampling() == null || chat.sampling().n() == null ? 1 : Math.max(1, chat.sampling().n());
        return new ChatCall(chat.withMaxTokens(Math.max(1, tokens / n)), call.answers());
    }

    @Override
    public void serve(ChatCall call, List<Target> plan, Exchange exchange, ServerResponse res) {
        if (call.request().stream()) {
            stream(call, plan, exchange, res);
        } else {
            complete(call, plan, exchange, res);
        }
    }

    private void complete(ChatCall call, List<Target> plan, Exchange exchange, ServerResponse res) {
        ChatRequest chat = call.request();
        FailoverOutcome<ChatPassthrough.Answer> outcome = s.failover().run(plan, (serving, adapter, ctx) -> {
            ChatRequest upstream = chat.withModel(serving.target().upstreamModel());
            ChatPassthrough passthrough = passthrough(call, upstream, serving, adapter);
            return passthrough != null ? passthrough.chatPassed(call.body().withModel(upstream.model()), ctx)
                    : ChatPassthrough.Answer.encoded(adapter.chat(upstream, ctx));
        });
        exchange.servedBy(outcome.target());
        FailoverOutcome.Served<ChatPassthrough.Answer> served = outcome.servedOrThrow();
        byte[] body = answer(call, served.value(), exchange);
        s.targetHeaders().set(res, served.servedBy());
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        exchange.answering();
        res.send(body);
    }

    /**
     * The adapter, when this call goes upstream as the client sent it ({@link ClientChatBody}): its body was kept,
     * and the channel's plugin would write nothing else; else null.
     */
    private static ChatPassthrough passthrough(ChatCall call, ChatRequest upstream, ServingTarget serving,
                                               ProviderAdapter adapter) {
        return call.body() != null && adapter instanceof ChatPassthrough passthrough
                && passthrough.passesThrough(upstream, call.body().tokenField(), serving.target().channel().settings())
                ? passthrough : null;
    }

    /**
     * A whole answer's body: the upstream's text relayed with the dialect's id, created and model when it can be
     * (its usage sent, the key's profile the full one), else encoded by {@link #answer(ChatCall, ChatResponse, Exchange)}.
     */
    private byte[] answer(ChatCall call, ChatPassthrough.Answer answer, Exchange exchange) {
        ChatResponse response = answer.response();
        if (answer.text() != null && response.usage() != null && exchange.profile == ResponseProfile.FULL) {
            byte[] relayed = call.answers().relayed(answer);
            if (relayed != null) {
                exchange.tokens(response.usage());
                return relayed;
            }
        }
        return answer(call, response, exchange);
    }

    /**
     * A whole answer's body, its tokens told to the exchange: the upstream's usage, or the gateway's count of the text
     * when it sent none. The Responses API's translated answers are billed the same way.
     */
    byte[] answer(ChatCall call, ChatResponse response, Exchange exchange) {
        Usage usage = response.usage();
        if (usage == null) {
            int completion = response.choices().stream().mapToInt(c -> s.tokens().text(c.message().text())).sum();
            usage = Usage.of(exchange.promptTokens, completion);
            exchange.estimated = true;
        }
        exchange.tokens(usage);
        return call.answers().completion(response, usage, exchange.profile);
    }

    private void stream(ChatCall call, List<Target> plan, Exchange exchange, ServerResponse res) {
        ChatRequest chat = call.request();
        RelayedStream.serve(s, plan, exchange, res, call.answers().stream(exchange.promptTokens, exchange.profile),
                (RelayedStream.Attempt) (relay, serving, adapter, ctx) -> {
                    ChatRequest upstream = chat.withModel(serving.target().upstreamModel());
                    ChatPassthrough passthrough = passthrough(call, upstream, serving, adapter);
                    if (passthrough != null) {
                        byte[] body = call.body().withModel(upstream.model());
                        return relay.relay(serving,
                                out -> passthrough.streamPassed(body, ctx, out, relay::passedEvent));
                    }
                    return relay.relay(serving, out -> adapter.stream(upstream, ctx, out));
                });
    }
}
