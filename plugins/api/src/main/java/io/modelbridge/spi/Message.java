package io.modelbridge.spi;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One chat message.
 *
 * @param role             {@code system}, {@code developer}, {@code user}, {@code assistant} or {@code tool}
 * @param content          the content parts; empty when the message has no content (an assistant tool call)
 * @param name             the optional participant name, or null
 * @param toolCalls        tool calls made by an assistant message; empty otherwise
 * @param toolCallId       for a {@code tool} message, the call it answers; else null
 * @param reasoningContent a reasoning model's thinking text (DeepSeek), or null
 * @param extras           an answer's fields these types do not model ({@code refusal}, {@code annotations}), as
 *                         plain JSON values, passed to the client as they came; empty in requests
 */
public record Message(String role, List<ContentPart> content, String name, List<ToolCall> toolCalls,
                      String toolCallId, String reasoningContent, Map<String, Object> extras) {
    public Message {
        content = List.copyOf(content);
        toolCalls = List.copyOf(toolCalls);
        extras = JsonValues.copy(extras);
    }

    public Message(String role, List<ContentPart> content, String name, List<ToolCall> toolCalls,
                   String toolCallId, String reasoningContent) {
        this(role, content, name, toolCalls, toolCallId, reasoningContent, Map.of());
    }

    public static Message of(String role, String text) {
        return new Message(role, List.of(new ContentPart.Text(text)), null, List.of(), null, null);
    }

    /** The text parts joined, for vendors that accept only a string. */
    public String text() {
        return content.stream()
                .filter(ContentPart.Text.class::isInstance)
                .map(p -> ((ContentPart.Text) p).text())
                .collect(Collectors.joining());
    }

    /** True when every part is text, so the message can go to a text-only vendor without loss. */
    public boolean isTextOnly() {
        return content.stream().allMatch(ContentPart.Text.class::isInstance);
    }
}
