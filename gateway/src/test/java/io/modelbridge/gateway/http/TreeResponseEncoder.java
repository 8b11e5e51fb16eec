package io.modelbridge.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.Usage;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/** The tree-built encoder as it was before the generator one: the reference its output is compared with.
 *
 * Writes OpenAI's {@code chat.completion} and {@code chat.completion.chunk} objects for one response: every chunk
 * carries the same id, created time and model (the name the client asked for). The fields the upstream sent beyond
 * the modelled ones (the SPI's {@code extras}, a stream's {@link ChatChunk.Fields}) are written back as they came,
 * never over a field the gateway sets; the gateway adds no field of its own that the upstream did not send, except
 * what OpenAI's shape requires. The key's {@link ResponseProfile} then limits the result.
 */
final class TreeResponseEncoder {
    private final ObjectMapper json;
    private final String id;
    private final long created;
    private final String model;
    private final boolean usageField;
    private final ResponseProfile profile;
    /** Per choice, the fields of upstream events not yet written (they go into that choice's next event). */
    private final Map<Integer, ChatChunk.Fields> pending = new HashMap<>();
    /** The top-level fields of the last upstream event, for the gateway's own trailing usage chunk. */
    private Map<String, Object> lastEventFields = Map.of();

    /** @param usageField whether chunks carry {@code "usage": null} (the client asked for include_usage) */
    TreeResponseEncoder(ObjectMapper json, String id, long created, String model, boolean usageField,
                    ResponseProfile profile) {
        this.json = json;
        this.id = id;
        this.created = created;
        this.model = model;
        this.usageField = usageField;
        this.profile = profile;
    }

    byte[] completion(ChatResponse response, Usage usage) {
        ObjectNode root = header("chat.completion");
        ArrayNode choices = root.putArray("choices");
        for (ChatResponse.Choice c : response.choices()) {
            ObjectNode choice = choices.addObject();
            choice.put("index", c.index());
            choice.set("message", message(c.message()));
            addAbsent(choice, c.extras());
            choice.put("finish_reason", c.finishReason() == null ? "stop" : c.finishReason().wire());
        }
        root.set("usage", usage(usage));
        addAbsent(root, response.extras());
        return bytes(root);
    }

    /**
     * The first chunk of a choice: the assistant role, and the upstream's own opening fields when it sent them; else
     * empty content as OpenAI sends it, except before a tool call (whose stream has no text).
     */
    byte[] roleChunk(int index, ChatChunk first) {
        ObjectNode root = chunk();
        ObjectNode delta = choice(root, index);
        delta.put("role", "assistant");
        ChatChunk.Fields fields = pending.get(index);
        if ((fields == null || !fields.delta().containsKey("content")) && !(first instanceof ChatChunk.ToolCallDelta)) {
            delta.put("content", "");
        }
        return event(root, index);
    }

    /** An event of their own for fields that no later event of choice {@code index} took. */
    byte[] pendingChunk(int index) {
        ObjectNode root = chunk();
        choice(root, index);
        return event(root, index);
    }

    /** The choices whose upstream fields wait for an event. */
    Iterable<Integer> pendingChoices() {
        return new TreeSet<>(pending.keySet());
    }

    /** The event for a chunk, or null for a usage report (sent last, if at all) and for fields (kept for the next). */
    byte[] chunk(ChatChunk chunk) {
        ObjectNode root = chunk();
        switch (chunk) {
            case ChatChunk.TextDelta t -> choice(root, t.index()).put("content", t.text());
            case ChatChunk.ReasoningDelta r -> choice(root, r.index()).put("reasoning_content", r.text());
            case ChatChunk.ToolCallDelta tc -> {
                ObjectNode call = choice(root, tc.index()).putArray("tool_calls").addObject();
                call.put("index", tc.callIndex());
                if (tc.id() != null) {
                    call.put("id", tc.id());
                    call.put("type", "function");
                }
                ObjectNode fn = call.putObject("function");
                if (tc.name() != null) {
                    fn.put("name", tc.name());
                }
                fn.put("arguments", tc.argumentsFragment() == null ? "" : tc.argumentsFragment());
            }
            case ChatChunk.Finish f -> choiceNode(root, f.index()).put("finish_reason", f.reason().wire());
            case ChatChunk.Fields f -> {
                keep(f);
                return null;
            }
            case ChatChunk.UsageReport u -> {
                return null;
            }
        }
        return event(root, OpenAiStreamEncoder.choiceIndex(chunk));
    }

    /** The trailing {@code choices: []} chunk carrying the totals. */
    byte[] usageChunk(Usage usage) {
        ObjectNode root = header("chat.completion.chunk");
        root.putArray("choices");
        root.set("usage", usage(usage));
        addAbsent(root, lastEventFields);
        return bytes(root);
    }

    private void keep(ChatChunk.Fields fields) {
        if (!fields.event().isEmpty()) {
            lastEventFields = fields.event();
        }
        pending.merge(fields.index(), fields, (older, newer) -> new ChatChunk.Fields(newer.index(),
                merged(older.event(), newer.event()), merged(older.choice(), newer.choice()),
                merged(older.delta(), newer.delta())));
    }

    private static Map<String, Object> merged(Map<String, Object> older, Map<String, Object> newer) {
        Map<String, Object> all = new LinkedHashMap<>(older);
        all.putAll(newer);
        return all;
    }

    /** The chunk with choice {@code index}'s waiting upstream fields written in, as bytes. */
    private byte[] event(ObjectNode root, int index) {
        ChatChunk.Fields fields = pending.remove(index);
        if (fields != null) {
            ObjectNode choice = (ObjectNode) root.path("choices").path(0);
            addAbsent((ObjectNode) choice.get("delta"), fields.delta());
            addAbsent(choice, fields.choice());
            addAbsent(root, fields.event());
        }
        return bytes(root);
    }

    private ObjectNode chunk() {
        ObjectNode root = header("chat.completion.chunk");
        if (usageField) {
            root.putNull("usage");
        }
        return root;
    }

    private ObjectNode header(String object) {
        ObjectNode root = json.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        return root;
    }

    /** Adds {@code choices[0]} for {@code index} and returns its delta object. */
    private static ObjectNode choice(ObjectNode root, int index) {
        return (ObjectNode) choiceNode(root, index).get("delta");
    }

    private static ObjectNode choiceNode(ObjectNode root, int index) {
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", index);
        choice.putObject("delta");
        choice.putNull("finish_reason");
        return choice;
    }

    private ObjectNode message(Message m) {
        ObjectNode node = json.createObjectNode();
        node.put("role", "assistant");
        if (m.toolCalls().isEmpty() || !m.text().isEmpty()) {
            node.put("content", m.text());
        } else {
            node.putNull("content");
        }
        if (m.reasoningContent() != null) {
            node.put("reasoning_content", m.reasoningContent());
        }
        if (!m.toolCalls().isEmpty()) {
            ArrayNode calls = node.putArray("tool_calls");
            for (ToolCall call : m.toolCalls()) {
                ObjectNode c = calls.addObject();
                c.put("id", call.id());
                c.put("type", "function");
                c.putObject("function").put("name", call.name()).put("arguments", call.arguments());
            }
        }
        addAbsent(node, m.extras());
        return node;
    }

    private ObjectNode usage(Usage u) {
        ObjectNode node = json.createObjectNode();
        node.put("prompt_tokens", u.promptTokens());
        node.put("completion_tokens", u.completionTokens());
        node.put("total_tokens", u.totalTokens());
        if (u.cachedPromptTokens() != null) {
            node.putObject("prompt_tokens_details").put("cached_tokens", u.cachedPromptTokens());
        }
        if (u.reasoningTokens() != null) {
            node.putObject("completion_tokens_details").put("reasoning_tokens", u.reasoningTokens());
        }
        return node;
    }

    /** The upstream's own fields, where the gateway has not set the field itself. */
    private void addAbsent(ObjectNode node, Map<String, Object> extras) {
        extras.forEach((name, value) -> {
            if (!node.has(name)) {
                node.set(name, json.valueToTree(value));
            }
        });
    }

    private byte[] bytes(ObjectNode node) {
        try {
            return json.writeValueAsBytes(profile.limit(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
