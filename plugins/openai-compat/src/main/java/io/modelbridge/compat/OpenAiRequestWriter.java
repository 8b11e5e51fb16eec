package io.modelbridge.compat;

import static io.modelbridge.compat.OpenAiJson.MAPPER;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.ToolChoice;
import io.modelbridge.spi.ToolDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@link OpenAiCodec#chatBody}'s JSON written straight to text with a {@link JsonGenerator}, no tree: the body of every
 * chat call to an OpenAI-compatible upstream without quirks. The text is the tree's, character for character
 * (OpenAiRequestWriterTest compares them); a change to one is a change to both.
 */
final class OpenAiRequestWriter {
    private OpenAiRequestWriter() {}

    static String chat(ChatRequest request, boolean stream, String maxTokensField) {
        BufferRecycler recycler = MAPPER.getFactory()._getBufferRecycler(); // as writeValueAsString
        try (SegmentedStringWriter out = new SegmentedStringWriter(recycler)) {
            try (JsonGenerator g = MAPPER.createGenerator(out)) {
                chat(g, request, stream, maxTokensField);
            }
            return out.getAndClear();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            recycler.releaseToPool();
        }
    }

    private static void chat(JsonGenerator g, ChatRequest request, boolean stream, String maxTokensField)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("model", request.model());
        g.writeArrayFieldStart("messages");
        for (Message m : request.messages()) {
            message(g, m);
        }
        g.writeEndArray();
        if (stream) {
            g.writeBooleanField("stream", true);
            g.writeObjectFieldStart("stream_options");
            g.writeBooleanField("include_usage", true);
            g.writeEndObject();
        }
        Sampling s = request.sampling();
        sampling(g, s, maxTokensField);
        if (!request.tools().isEmpty()) {
            g.writeArrayFieldStart("tools");
            for (ToolDefinition tool : request.tools()) {
                tool(g, tool);
            }
            g.writeEndArray();
        }
        if (request.toolChoice() != null) {
            g.writeFieldName("tool_choice");
            toolChoice(g, request.toolChoice());
        }
        if (request.user() != null) {
            g.writeStringField("user", request.user());
        }
        for (Map.Entry<String, Object> e : request.extras().entrySet()) {
            if (!written(e.getKey(), request, stream, maxTokensField)) {
                g.writeFieldName(e.getKey());
                MAPPER.writeValue(g, e.getValue());
            }
        }
        g.writeEndObject();
    }

    /** Whether {@link #chat} wrote a field of this name itself (an extra never overwrites one). */
    private static boolean written(String name, ChatRequest request, boolean stream, String maxTokensField) {
        Sampling s = request.sampling();
        if (s != null && s.maxTokens() != null && name.equals(maxTokensField)) {
            return true;
        }
        return switch (name) {
            case "model", "messages" -> true;
            case "stream", "stream_options" -> stream;
            case "temperature" -> s != null && s.temperature() != null;
            case "top_p" -> s != null && s.topP() != null;
            case "stop" -> s != null && !s.stop().isEmpty();
            case "presence_penalty" -> s != null && s.presencePenalty() != null;
            case "frequency_penalty" -> s != null && s.frequencyPenalty() != null;
            case "n" -> s != null && s.n() != null;
            case "seed" -> s != null && s.seed() != null;
            case "tools" -> !request.tools().isEmpty();
            case "tool_choice" -> request.toolChoice() != null;
            case "user" -> request.user() != null;
            default -> false;
        };
    }

    private static void message(JsonGenerator g, Message message) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", message.role());
        if (message.content().isEmpty()) {
            if (message.toolCalls().isEmpty()) {
                g.writeStringField("content", "");
            } else {
                g.writeNullField("content");
            }
        } else if (message.content().size() == 1 && message.content().getFirst() instanceof ContentPart.Text text) {
            g.writeStringField("content", text.text());
        } else {
            g.writeArrayFieldStart("content");
            for (ContentPart part : message.content()) {
                part(g, part);
            }
            g.writeEndArray();
        }
        if (message.name() != null) {
            g.writeStringField("name", message.name());
        }
        if (!message.toolCalls().isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (ToolCall call : message.toolCalls()) {
                g.writeStartObject();
                g.writeStringField("id", call.id());
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", call.name());
                g.writeStringField("arguments", call.arguments());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (message.toolCallId() != null) {
            g.writeStringField("tool_call_id", message.toolCallId());
        }
        g.writeEndObject();
    }

    private static void part(JsonGenerator g, ContentPart part) throws IOException {
        g.writeStartObject();
        switch (part) {
            case ContentPart.Text text -> {
                g.writeStringField("type", "text");
                g.writeStringField("text", text.text());
            }
            case ContentPart.ImageUrl image -> {
                g.writeStringField("type", "image_url");
                g.writeObjectFieldStart("image_url");
                g.writeStringField("url", image.url());
                if (image.detail() != null) {
                    g.writeStringField("detail", image.detail());
                }
                g.writeEndObject();
            }
            case ContentPart.Other other -> { // the raw part's own type, if it has one, in the type's place
                g.writeFieldName("type");
                if (other.raw().containsKey("type")) {
                    MAPPER.writeValue(g, other.raw().get("type"));
                } else {
                    g.writeString(other.type());
                }
                for (Map.Entry<String, Object> e : other.raw().entrySet()) {
                    if (!e.getKey().equals("type")) {
                        g.writeFieldName(e.getKey());
                        MAPPER.writeValue(g, e.getValue());
                    }
                }
            }
        }
        g.writeEndObject();
    }

    private static void tool(JsonGenerator g, ToolDefinition tool) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "function");
        g.writeObjectFieldStart("function");
        g.writeStringField("name", tool.name());
        if (tool.description() != null) {
            g.writeStringField("description", tool.description());
        }
        if (!tool.parameters().isEmpty()) {
            g.writeFieldName("parameters");
            MAPPER.writeValue(g, tool.parameters());
        }
        if (tool.strict() != null) {
            g.writeBooleanField("strict", tool.strict());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void toolChoice(JsonGenerator g, ToolChoice choice) throws IOException {
        if ("function".equals(choice.mode())) {
            g.writeStartObject();
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", choice.function());
            g.writeEndObject();
            g.writeEndObject();
        } else {
            g.writeString(choice.mode());
        }
    }

    private static void sampling(JsonGenerator g, Sampling s, String maxTokensField) throws IOException {
        if (s == null) {
            return;
        }
        if (s.temperature() != null) {
            g.writeNumberField("temperature", s.temperature());
        }
        if (s.topP() != null) {
            g.writeNumberField("top_p", s.topP());
        }
        if (s.maxTokens() != null) {
            g.writeNumberField(maxTokensField, s.maxTokens());
        }
        if (!s.stop().isEmpty()) {
            g.writeArrayFieldStart("stop");
            for (String stop : s.stop()) {
                g.writeString(stop);
            }
            g.writeEndArray();
        }
        if (s.presencePenalty() != null) {
            g.writeNumberField("presence_penalty", s.presencePenalty());
        }
        if (s.frequencyPenalty() != null) {
            g.writeNumberField("frequency_penalty", s.frequencyPenalty());
        }
        if (s.n() != null) {
            g.writeNumberField("n", s.n());
        }
        if (s.seed() != null) {
            g.writeNumberField("seed", s.seed());
        }
    }
}
