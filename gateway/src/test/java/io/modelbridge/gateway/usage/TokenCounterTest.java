package io.modelbridge.gateway.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The prompt count: everything a vendor bills, at a cost linear in the request's size. */
class TokenCounterTest {
    private static final TokenCounter COUNTER = new TokenCounter();

    private static ChatRequest request(List<Message> messages, List<ToolDefinition> tools, Map<String, Object> extras) {
        return new ChatRequest("m", messages, false, false, Sampling.none(), tools, null, null, extras);
    }

    /** Short texts' counts are kept (roles, names and short messages recur): kept or not, the tokenizer's count. */
    @Test
    void aKeptCountIsTheTokenizersCountAndTheMemoStartsOverWhenFull() {
        Encoding o200k = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
        TokenCounter counter = new TokenCounter();
        List<String> texts = new ArrayList<>(List.of("user", "assistant", "system", "hi", "Say hello in five words.",
                "你好，世界", "🙂 emoji", " ".repeat(TokenCounter.MEMO_CHARS), "x".repeat(TokenCounter.MEMO_CHARS + 1)));
        for (int i = 0; i < TokenCounter.MEMO_ENTRIES + 10; i++) {
            texts.add("word" + i + " and more " + (i * 7919));
        }
        for (int pass = 0; pass < 2; pass++) {
            for (String text : texts) {
                assertEquals(o200k.countTokensOrdinary(text), counter.text(text), text);
            }
        }
    }

    @Test
    void aMaximalSingleWordPromptIsCountedFastAndNotBelowItsBytes() {
        String word = "a".repeat(8 * 1024 * 1024); // MB_MAX_BODY_BYTES
        long started = System.nanoTime();
        int tokens = COUNTER.prompt(request(List.of(Message.of("user", word)), List.of(), Map.of()));
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("8 MiB single-word prompt counted in " + millis + " ms");
        assertTrue(millis < 3000, "counted in " + millis + " ms"); // a loaded build machine: unloaded it takes ~15 ms
        assertTrue(tokens >= word.length(), "past the tokenized budget a byte counts as a token: " + tokens);
    }

    /** The costliest prompts of a maximal body: CJK text (the slowest to tokenize) and 280,000 tiny messages. */
    @Test
    void theWorstPromptsOfAMaximalBodyAreCountedWithinABound() {
        StringBuilder cjk = new StringBuilder();
        java.util.Random random = new java.util.Random(1);
        while (cjk.length() < 8 * 1024 * 1024 / 3) {
            cjk.append((char) (0x4e00 + random.nextInt(2000)));
        }
        List<Message> tiny = new java.util.ArrayList<>();
        for (int i = 0; i < 280_000; i++) { // {"role":"user","content":"a"}, is 30 bytes
            tiny.add(Message.of("user", "a"));
        }
        for (int round = 0; round < 2; round++) { // the second round is the warm one
            long started = System.nanoTime();
            COUNTER.prompt(request(List.of(Message.of("user", cjk.toString())), List.of(), Map.of()));
            long cjkMillis = (System.nanoTime() - started) / 1_000_000;
            started = System.nanoTime();
            COUNTER.prompt(request(tiny, List.of(), Map.of()));
            long tinyMillis = (System.nanoTime() - started) / 1_000_000;
            System.out.println("8 MiB of CJK counted in " + cjkMillis + " ms, 280,000 messages in " + tinyMillis + " ms");
            assertTrue(cjkMillis < 3000 && tinyMillis < 3000, cjkMillis + " / " + tinyMillis + " ms");
        }
    }

    @Test
    void aShortPromptIsCountedExactly() {
        ChatRequest hello = request(List.of(Message.of("user", "hello world")), List.of(), Map.of());
        assertEquals(3 + 3 + 1 + 2, COUNTER.prompt(hello), "priming, message overhead, 'user', 'hello world'");
    }

    @Test
    void toolsImagesOtherPartsAndPassedThroughFieldsAreCounted() {
        Message text = Message.of("user", "hi");
        int plain = COUNTER.prompt(request(List.of(text), List.of(), Map.of()));
        Map<String, Object> schema = Map.of("type", "object", "properties",
                Map.of("city", Map.of("type", "string", "description", "x ".repeat(500))));
        int withTool = COUNTER.prompt(request(List.of(text), List.of(new ToolDefinition("weather", "d", schema, null)),
                Map.of()));
        assertTrue(withTool > plain + 500, plain + " -> " + withTool);
        Message image = new Message("user", List.of(new ContentPart.Text("hi"),
                new ContentPart.ImageUrl("data:image/png;base64," + "A".repeat(100_000), "high")), null, List.of(),
                null, null);
        assertEquals(plain + TokenCounter.IMAGE_TOKENS, COUNTER.prompt(request(List.of(image), List.of(), Map.of())),
                "an image costs its bound, not its URL's length");
        Message audio = new Message("user", List.of(new ContentPart.Text("hi"), new ContentPart.Other("input_audio",
                Map.of("type", "input_audio", "input_audio", Map.of("data", "QUJD ".repeat(200))))), null, List.of(),
                null, null);
        assertTrue(COUNTER.prompt(request(List.of(audio), List.of(), Map.of())) > plain + 200);
        int withSchema = COUNTER.prompt(request(List.of(text), List.of(), Map.of("response_format",
                Map.of("type", "json_schema", "json_schema", schema))));
        assertTrue(withSchema > plain + 500, plain + " -> " + withSchema);
    }

    @Test
    void longTextIsCountedInPiecesCloseToTheWholeCount() {
        String prose = "The quick brown fox jumps over the lazy dog. ".repeat(2000);
        int pieces = COUNTER.text(prose);
        int whole = 10 * 2000; // o200k: 10 tokens per sentence
        assertTrue(pieces >= whole && pieces <= whole + prose.length() / 512, whole + " vs " + pieces);
    }
}
