package io.modelbridge.spi;

import java.util.List;
import java.util.Map;

/**
 * An OpenAI chat completion request as the gateway parsed it.
 *
 * @param model        the upstream model name (the gateway has already resolved aliases)
 * @param messages     the conversation, at least one message
 * @param stream       whether the client asked for a stream
 * @param includeUsage {@code stream_options.include_usage}
 * @param sampling     sampling parameters
 * @param tools        function tools the model may call; empty for none
 * @param toolChoice   {@code tool_choice}, or null when not sent
 * @param user         the end-user id the client sent, or null
 * @param extras       every other top-level field, untouched (JSON values as Map/List/String/Number/Boolean),
 *                     so new OpenAI parameters reach OpenAI-compatible upstreams
 */
public record ChatRequest(String model, List<Message> messages, boolean stream, boolean includeUsage,
                          Sampling sampling, List<ToolDefinition> tools, ToolChoice toolChoice, String user,
                          Map<String, Object> extras) {
    public ChatRequest {
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
        extras = JsonValues.copy(extras);
    }

    /** The same request addressed to another upstream model. */
    public ChatRequest withModel(String upstreamModel) {
        return new ChatRequest(upstreamModel, messages, stream, includeUsage, sampling, tools, toolChoice, user, extras);
    }

    /** The same request with another completion-token limit per choice. */
    public ChatRequest withMaxTokens(int limit) {
        Sampling s = sampling == null ? Sampling.none() : sampling;
        return new ChatRequest(model, messages, stream, includeUsage, s.withMaxTokens(limit), tools, toolChoice, user,
                extras);
    }
}
