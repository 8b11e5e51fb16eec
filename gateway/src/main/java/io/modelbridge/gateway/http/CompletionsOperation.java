package io.modelbridge.gateway.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.pipeline.FailoverOutcome;
import io.modelbridge.gateway.routing.Target;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.PromptCompletions;
import io.modelbridge.spi.PromptRequest;
import io.modelbridge.spi.PromptResponse;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.Usage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Legacy (prompt) completions, in any dialect: each attempt asks its adapter whether it serves the prompt natively
 * ({@link PromptCompletions}: OpenAI-compatible {@code /v1/completions}, DeepSeek's FIM); if not, the call goes
 * through chat, the prompt as one user message and the answer's text as the completion's text, and what chat cannot
 * express is a 400 (no failover: the request, not the channel, is the problem). Billed like chat.
 */
final class CompletionsOperation implements Operation<CompletionCall> {
    private final ApiServices s;

    CompletionsOperation(ApiServices services) {
        this.s = services;
    }

    @Override
    public String model(CompletionCall call) {
        return call.prompt().model();
    }

    @Override
    public boolean stream(CompletionCall call) {
        return call.prompt().stream();
    }

    /** The prompt and the suffix, counted as one user message. */
    @Override
    public int countPrompt(CompletionCall call) {
        PromptRequest p = call.prompt();
        String text = p.suffix() == null ? p.prompt() : p.prompt() + p.suffix();
        return s.tokens().prompt(new ChatRequest(p.model(), List.of(Message.of("user", text)), false, false,
                null, List.of(), null, null, Map.of()));
    }

    /** max_tokens (16 when not sent, as OpenAI) for each of the request's n choices. */
    @Override
    public Optional<Integer> maxTokens(CompletionCall call) {
        var sampling = call.prompt().sampling();
        int n = sampling.n() == null ? 1 : Math.max(1, sampling.n());
        return Optional.of((int) Math.min((long) sampling.maxTokens() * n, Integer.MAX_VALUE));
    }

    @Override
    public CompletionCall limitCompletion(CompletionCall call, int tokens) {
        var sampling = call.prompt().sampling();
        int perChoice = Math.max(1, tokens / (sampling.n() == null ? 1 : Math.max(1, sampling.n())));
        return new CompletionCall(call.prompt().withMaxTokens(perChoice),
                call.chat() == null ? null : call.chat().withMaxTokens(perChoice), call.untranslatable(), call.answers());
    }

    @Override
    public void serve(CompletionCall call, List<Target> plan, Exchange exchange, ServerResponse res) {
        if (call.prompt().stream()) {
            stream(call, plan, exchange, res);
        } else {
            complete(call, plan, exchange, res);
        }
    }

    private void complete(CompletionCall call, List<Target> plan, Exchange exchange, ServerResponse res) {
        FailoverOutcome<PromptResponse> outcome = s.failover().run(plan, (serving, adapter, ctx) -> {
            String upstream = serving.target().upstreamModel();
            PromptRequest prompt = call.prompt().withModel(upstream);
            if (adapter instanceof PromptCompletions prompts && prompts.completesPrompts(prompt, ctx.settings())) {
                return prompts.complete(prompt, ctx);
            }
            return fromChat(adapter.chat(translated(call).withModel(upstream), ctx));
        });
        exchange.servedBy(outcome.target());
        FailoverOutcome.Served<PromptResponse> served = outcome.servedOrThrow();
        PromptResponse response = served.value();
        Usage usage = response.usage();
        if (usage == null) {
            int completion = response.choices().stream().mapToInt(c -> s.tokens().text(c.text())).sum();
            usage = Usage.of(exchange.promptTokens, completion);
            exchange.estimated = true;
        }
        exchange.tokens(usage);
        byte[] body = call.answers().completion(response, usage);
        s.targetHeaders().set(res, served.servedBy());
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        exchange.answering();
        res.send(body);
    }

    /** As chat's stream ({@link RelayedStream}). */
    private void stream(CompletionCall call, List<Target> plan, Exchange exchange, ServerResponse res) {
        RelayedStream.serve(s, plan, exchange, res, call.answers().stream(),
                (serving, adapter, ctx) -> streamOf(call, serving.target().upstreamModel(), adapter, ctx));
    }

    /** The attempt's stream: the adapter's own prompt stream when it serves this prompt, else chat's. */
    private static Consumer<Consumer<ChatChunk>> streamOf(CompletionCall call, String upstream, ProviderAdapter adapter,
                                                          CallContext ctx) {
        PromptRequest prompt = call.prompt().withModel(upstream);
        if (adapter instanceof PromptCompletions prompts && prompts.completesPrompts(prompt, ctx.settings())) {
            return out -> prompts.streamPrompt(prompt, ctx, out);
        }
        ChatRequest chat = translated(call).withModel(upstream);
        return out -> adapter.stream(chat, ctx, out);
    }

    private static ChatRequest translated(CompletionCall call) {
        if (call.chat() == null) {
            throw new GatewayException(ApiError.invalidRequest(call.untranslatable().message(),
                    call.untranslatable().param()));
        }
        return call.chat();
    }

    /** A chat answer as a text completion: each choice's text, reasoning and tool calls left out. */
    private static PromptResponse fromChat(ChatResponse chat) {
        return new PromptResponse(chat.upstreamId(), chat.choices().stream()
                .map(c -> new PromptResponse.Choice(c.index(), c.message().text(), null, c.finishReason()))
                .toList(), chat.usage());
    }
}
