package io.modelbridge.gateway.usage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ToolDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts tokens with OpenAI's o200k_base encoding and its per-message overhead: a request's prompt before admission
 * (what its quota reservation and token limits take), and text where the upstream reports no usage (a stream cut
 * short, a vendor without usage). For other vendors' tokenizers this is an estimate, and usage rows counted here are
 * marked as estimated.
 *
 * <p>The cost is linear and bounded. BPE over one long piece is superlinear (a 7 MB single word took 15 s and
 * 2.6 GB), so text is cut into pieces of at most {@link #PIECE} characters, after whitespace where it can be (a cut
 * can only add a token, never lose one). A prompt's first {@link #EXACT_CHARS} characters are tokenized (each string
 * taking at least {@link #MIN_CHARGE} of them, so many tiny strings cannot make many tokenizer calls); beyond that each
 * string counts one token per UTF-8 byte, which no byte-level tokenizer can exceed.
 */
public final class TokenCounter {
    /** Characters of a prompt counted with the tokenizer; the rest is counted from its UTF-8 length. */
    public static final int EXACT_CHARS = 32 * 1024;
    /** What one tokenizer call takes from the budget at least: a call costs more than its characters. */
    static final int MIN_CHARGE = 64;
    /** The longest text handed to the tokenizer in one call. */
    static final int PIECE = 1024;
    /**
     * The most an image part may cost: OpenAI's high detail is at most 85 + 8 x 170 = 1,445 tokens (gpt-4o, a
     * 2048 x 768 image), Qwen-VL's default at most 1,280.
     */
    public static final int IMAGE_TOKENS = 1_600;
    private static final int PER_MESSAGE = 3;
    private static final int REPLY_PRIMING = 3;
    /** What a vendor adds around the tool list and each tool (OpenAI renders them as a TypeScript namespace). */
    private static final int TOOLS_OVERHEAD = 12;
    private static final int PER_TOOL = 8;
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build()).build();
    /** Texts up to this long have their count kept: roles, names, short messages, which recur in every request. */
    static final int MEMO_CHARS = 64;
    /** Counts kept at most; past it the memo starts over (at most ~2 MB, whatever the texts). */
    static final int MEMO_ENTRIES = 10_000;
    private final Encoding encoding = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    private final Map<String, Integer> shortCounts = new ConcurrentHashMap<>();

    /**
     * Everything in the request a vendor bills as prompt: every message part (images at {@link #IMAGE_TOKENS}),
     * tool calls, tool definitions, tool_choice, and the fields passed through as they are (response_format's
     * schema among them), the latter as the tokens of their JSON.
     */
    public int prompt(ChatRequest request) {
        Budget budget = new Budget();
        long tokens = REPLY_PRIMING;
        for (Message m : request.messages()) {
            tokens += PER_MESSAGE + budget.count(m.role()) + budget.count(m.name()) + budget.count(m.toolCallId())
                    + budget.count(m.reasoningContent());
            if (m.name() != null) {
                tokens += 1;
            }
            for (ContentPart part : m.content()) {
                tokens += switch (part) {
                    case ContentPart.Text t -> budget.count(t.text());
                    case ContentPart.ImageUrl i -> IMAGE_TOKENS;
                    case ContentPart.Other o -> budget.count(json(o.raw()));
                };
            }
            for (var call : m.toolCalls()) {
                tokens += budget.count(call.name()) + budget.count(call.arguments());
            }
        }
        if (!request.tools().isEmpty()) {
            tokens += TOOLS_OVERHEAD;
            for (ToolDefinition tool : request.tools()) {
                tokens += PER_TOOL + budget.count(json(wireForm(tool)));
            }
        }
        if (request.toolChoice() != null) {
            tokens += PER_MESSAGE + budget.count(request.toolChoice().mode())
                    + budget.count(request.toolChoice().function());
        }
        if (!request.extras().isEmpty()) {
            tokens += budget.count(json(request.extras()));
        }
        return (int) Math.min(tokens, Integer.MAX_VALUE);
    }

    /** The tokens of an embeddings request's inputs, within the same budget as a prompt. */
    public int inputs(List<String> texts) {
        Budget budget = new Budget();
        long tokens = 0;
        for (String text : texts) {
            tokens += budget.count(text);
        }
        return (int) Math.min(tokens, Integer.MAX_VALUE);
    }

    /** The tokens of one text (a completion the upstream sent), in pieces: linear in its length. */
    public int text(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        if (text.length() <= MEMO_CHARS) {
            Integer known = shortCounts.get(text);
            if (known == null) {
                known = encoding.countTokensOrdinary(text);
                if (shortCounts.size() >= MEMO_ENTRIES) {
                    shortCounts.clear();
                }
                shortCounts.put(text, known);
            }
            return known;
        }
        int tokens = 0;
        int start = 0;
        while (start < text.length()) {
            int end = pieceEnd(text, start);
            tokens += encoding.countTokensOrdinary(text.substring(start, end));
            start = end;
        }
        return tokens;
    }

    /** Where the piece starting at {@code start} ends: after the last whitespace in reach, never inside a pair. */
    private static int pieceEnd(String text, int start) {
        int limit = start + PIECE;
        if (limit >= text.length()) {
            return text.length();
        }
        for (int i = limit; i > start + PIECE / 2; i--) {
            if (Character.isWhitespace(text.charAt(i - 1))) {
                return i;
            }
        }
        return Character.isHighSurrogate(text.charAt(limit - 1)) ? limit - 1 : limit;
    }

    /** The UTF-8 length: an upper bound of the tokens of any byte-level tokenizer. */
    static long utf8Bytes(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    /** A tool as OpenAI's wire format carries it. */
    private static Map<String, Object> wireForm(ToolDefinition tool) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", tool.name());
        function.put("description", tool.description());
        function.put("parameters", tool.parameters());
        function.put("strict", tool.strict());
        return Map.of("type", "function", "function", function);
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) { // plain Map/List/String/Number/Boolean values always serialize
            throw new IllegalStateException(e);
        }
    }

    /** The characters one count may still tokenize; past them, strings count by their UTF-8 length. */
    private final class Budget {
        private int exactChars = EXACT_CHARS;

        long count(String text) {
            if (text == null || text.isEmpty()) {
                return 0;
            }
            if (text.length() <= exactChars) {
                exactChars = Math.max(0, exactChars - Math.max(text.length(), MIN_CHARGE));
                return text(text);
            }
            exactChars = 0;
            return utf8Bytes(text);
        }
    }
}
