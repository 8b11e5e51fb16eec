package io.modelbridge.provider.glm;

import static io.modelbridge.compat.OpenAiJson.MAPPER;
import static io.modelbridge.provider.glm.GlmParameters.refused;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.compat.OpenAiCodec;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.EmbeddingRequest;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ToolChoice;
import io.modelbridge.spi.ToolDefinition;
import java.util.List;
import java.util.Set;

/**
 * SPI requests to GLM v4 JSON (vendor-protocols.md 6.4, 6.8). GLM is close to OpenAI; the differences handled here:
 * {@code developer} becomes {@code system}; images go as {@code image_url} parts with a {@code data:} URL's base64
 * only; function tools only, {@code tool_choice} only {@code auto} ({@code none} is honoured by offering no tools);
 * {@code user} becomes {@code user_id}. Sampling and extras: {@link GlmParameters}.
 */
final class GlmCodec {
    /** embedding-3's dimension choices; embedding-2 is fixed at 1024 (docs.bigmodel.cn 文本嵌入). */
    static final Set<Integer> EMBEDDING_3_DIMENSIONS = Set.of(256, 512, 1024, 2048);
    static final int EMBEDDING_2_DIMENSIONS = 1024;

    private GlmCodec() {}

    static String chatRequest(ChatRequest request, boolean stream) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("model", request.model());
        ArrayNode messages = body.putArray("messages");
        request.messages().forEach(m -> messages.add(message(m)));
        if (stream) {
            body.put("stream", true);
        }
        GlmParameters.sampling(body, request.sampling());
        tools(body, request.tools(), request.toolChoice());
        if (request.user() != null && !request.user().isBlank()) {
            body.put("user_id", GlmParameters.userId(request.user()));
        }
        GlmParameters.extras(body, request.extras());
        return body.toString();
    }

    /** One embeddings call for {@code batch} (a slice of the request's input). */
    static String embeddingRequest(EmbeddingRequest request, List<String> batch) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("model", request.model());
        ArrayNode input = body.putArray("input");
        batch.forEach(input::add);
        Integer dimensions = request.dimensions();
        if (dimensions != null) {
            if (request.model().equals("embedding-2")) {
                if (dimensions != EMBEDDING_2_DIMENSIONS) {
                    throw refused("dimensions", "embedding-2 vectors always have 1024 dimensions");
                }
            } else if (request.model().equals("embedding-3") && !EMBEDDING_3_DIMENSIONS.contains(dimensions)) {
                throw refused("dimensions", "embedding-3 offers 256, 512, 1024 or 2048 dimensions");
            } else {
                body.put("dimensions", dimensions);
            }
        }
        request.extras().forEach((name, value) -> {
            if (!body.has(name) && value != null) {
                body.set(name, MAPPER.valueToTree(value));
            }
        });
        return body.toString();
    }

    static ObjectNode message(Message message) {
        String role = switch (message.role()) {
            case "developer" -> "system";
            case "system", "user", "assistant", "tool" -> message.role();
            default -> throw refused("messages", "GLM has no '" + message.role()
                    + "' role (legacy function messages: use tools and role 'tool')");
        };
        ObjectNode node = MAPPER.createObjectNode().put("role", role);
        if (role.equals("user") && !message.isTextOnly()) {
            ArrayNode parts = node.putArray("content");
            message.content().forEach(p -> parts.add(part(p)));
        } else if (!message.isTextOnly()) {
            throw refused("messages", "GLM accepts only text in " + role + " messages");
        } else if (!message.content().isEmpty() || message.toolCalls().isEmpty()) {
            node.put("content", message.text());
        }
        OpenAiCodec.toolFields(node, message);
        // name is not a GLM message field; reasoning_content is never sent back.
        return node;
    }

    /** OpenAI's part, but an image goes without {@code detail} and a {@code data:} URL as its base64 only. */
    private static ObjectNode part(ContentPart part) {
        if (part instanceof ContentPart.Other other) {
            throw refused("messages", "GLM chat accepts text and image_url parts, not '" + other.type() + "'");
        }
        ObjectNode node = OpenAiCodec.part(part);
        if (part instanceof ContentPart.ImageUrl image) {
            node.putObject("image_url").put("url", withoutDataPrefix(image.url()));
        }
        return node;
    }

    /** GLM wants raw base64 for inline images: {@code data:image/png;base64,XXXX} becomes {@code XXXX}. */
    static String withoutDataPrefix(String url) {
        int comma = url.indexOf(";base64,");
        return url.startsWith("data:") && comma > 0 ? url.substring(comma + ";base64,".length()) : url;
    }

    private static void tools(ObjectNode body, List<ToolDefinition> tools, ToolChoice choice) {
        String mode = choice == null ? "auto" : choice.mode();
        switch (mode) {
            case "auto" -> { /* GLM's only mode */ }
            case "none" -> {
                return;
            }
            default -> throw refused("tool_choice", "GLM only lets the model decide (tool_choice 'auto'), not '"
                    + (choice.function() != null ? choice.function() : mode) + "'");
        }
        if (tools.isEmpty()) {
            return;
        }
        ArrayNode list = body.putArray("tools");
        for (ToolDefinition tool : tools) {
            // strict: true goes as the other vendors without a strict mode take it: the tool without the flag. The
            // OpenAI Agents SDKs set it on every tool and check the arguments against the schema themselves.
            ObjectNode noParameters = MAPPER.createObjectNode().put("type", "object");
            noParameters.putObject("properties");
            list.add(OpenAiCodec.toolWithoutStrict(tool, noParameters));
        }
        body.put("tool_choice", "auto");
    }
}
