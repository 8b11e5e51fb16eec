package io.modelbridge.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A chat completion read from its tokens ({@link OpenAiResponses#chat}) is what the tree read
 * ({@link OpenAiResponses#chatFromTree}): the same answer with the same extras, usage and tool calls, the same protocol
 * failure; and the usual answer costs a fraction of the tree's allocation.
 */
class OpenAiAnswerReaderTest {
    private static final String MESSAGE = "\"message\":{\"role\":\"assistant\",\"content\":\"Hello!\"}";

    /** Answers the token reader reads itself. */
    private static final List<String> USUAL = List.of(
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + MESSAGE + ",\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,"
                    + "\"total_tokens\":3}}",
            // as api.openai.com answers today: nulls, details, tier, fingerprint, logprobs, annotations
            "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion\",\"created\":1741569952,\"model\":\"gpt-4o-2024-08-06\","
                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi \\\"there\\\" \u4f60\u597d\","
                    + "\"refusal\":null,\"annotations\":[{\"type\":\"url_citation\",\"url_citation\":{\"start_index\":1}}]},"
                    + "\"logprobs\":{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.0001,\"bytes\":[72,105],\"top_logprobs\":[]}]},"
                    + "\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":10,"
                    + "\"total_tokens\":29,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
                    + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0}},"
                    + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_fc9f1d7035\"}",
            // tool calls (one with object arguments, one a vendor's built-in tool), reasoning, two choices, Kimi's usage
            "{\"id\":null,\"choices\":[{\"index\":1,\"message\":{\"role\":null,\"content\":null,\"reasoning_content\":\"think\","
                    + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}},"
                    + "{\"id\":\"c2\",\"function\":{\"name\":\"g\",\"arguments\":{\"x\":[1,2.5]}}},{\"type\":\"web_search\"}]},"
                    + "\"finish_reason\":\"tool_calls\",\"usage\":{\"prompt_tokens\":7}},{" + MESSAGE + ",\"finish_reason\":null,"
                    + "\"delta\":{}}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"prompt_cache_hit_tokens\":2},"
                    + "\"x\":[1,-2.5e-7,123456789012345678901234567890,true,null,{}]}",
            "{\"choices\":[{" + MESSAGE + "}],\"usage\":null}",
            "{\"choices\":[{\"message\":{\"content\":\"\",\"reasoning_content\":\"\"},\"finish_reason\":\"content_filter\"}]}",
            "{\"choices\":[{" + MESSAGE + "}]} trailing");

    /** Answers the tree decides: protocol failures, and answers in an unusual shape. */
    private static final List<String> UNUSUAL = List.of(
            "", "   ", "not json", "[1]", "{\"choices\":[]}", "{\"choices\":{}}", "{\"id\":\"x\"}", "{\"choices\":[5]}",
            "{\"choices\":[{\"index\":\"1\"," + MESSAGE + "}]}", "{\"choices\":[{\"index\":null," + MESSAGE + "}]}",
            "{\"choices\":[{\"finish_reason\":\"stop\"}]}", "{\"choices\":[{\"message\":\"hi\"}]}",
            "{\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"text\":\"b\"}]}}]}",
            "{\"choices\":[{\"message\":{\"content\":5,\"role\":7}}]}", "{\"id\":5,\"choices\":[{" + MESSAGE + "}]}",
            "{\"choices\":[{" + MESSAGE + ",\"finish_reason\":1}]}", "{\"choices\":[{" + MESSAGE + ",\"x\":1,\"x\":2}]}",
            "{\"choices\":[{" + MESSAGE + "}],\"choices\":[{" + MESSAGE + "}]}",
            "{\"choices\":[{" + MESSAGE + "}],\"usage\":{\"prompt_tokens\":-1}}",
            "{\"choices\":[{" + MESSAGE + "}],\"usage\":{\"prompt_tokens\":4294967301}}",
            "{\"choices\":[{" + MESSAGE + "}],\"usage\":{\"prompt_tokens\":\"12\"}}",
            "{\"choices\":[{" + MESSAGE + "}],", "{\"choices\":[{\"message\":{\"content\":\"x\"}}]");

    private record Outcome(ChatResponse answer, ProviderFailure.Kind failure, String message) {}

    private static Outcome outcome(Supplier<ChatResponse> read) {
        try {
            return new Outcome(read.get(), null, null);
        } catch (ProviderException e) {
            return new Outcome(null, e.failure().kind(), e.failure().message());
        }
    }

    @Test
    void everyAnswerIsReadAsTheTreeReadIt() {
        List<String> all = new ArrayList<>(USUAL);
        all.addAll(UNUSUAL);
        int failures = 0;
        for (String body : all) {
            Outcome tree = outcome(() -> OpenAiResponses.chatFromTree(body, FinishReason::fromWire));
            assertEquals(tree, outcome(() -> OpenAiResponses.chat(body)), body);
            failures += tree.failure() == null ? 0 : 1;
        }
        assertTrue(failures >= 12, "the corpus has " + failures + " protocol failures");
    }

    @Test
    void theUsualAnswersAreReadFromTheirTokensAndTheOthersByTheTree() {
        for (String body : USUAL) {
            assertNotNull(OpenAiAnswerReader.chat(body, FinishReason::fromWire), body);
        }
        for (String body : UNUSUAL) {
            assertNull(OpenAiAnswerReader.chat(body, FinishReason::fromWire), body);
        }
    }

    /** Warm, for the first answer (the benchmark's upstream answers so): the tree cost a node per value and its maps. */
    @Test
    void theUsualAnswerIsReadWithoutATree() {
        String body = USUAL.getFirst();
        long tokens = bytesPerAnswer(() -> OpenAiResponses.chat(body));
        long tree = bytesPerAnswer(() -> OpenAiResponses.chatFromTree(body, FinishReason::fromWire));
        System.out.printf("bytes allocated per answer read: tokens %d, tree %d%n", tokens, tree);
        assertTrue(tokens < tree * 0.7, "tokens " + tokens + " bytes per answer, tree " + tree);
    }

    private static long bytesPerAnswer(Supplier<ChatResponse> read) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += read.get().choices().size();
        }
        int rounds = 10_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < rounds; i++) {
            sink += read.get().choices().size();
        }
        assertTrue(sink > 0);
        return (threads.getCurrentThreadAllocatedBytes() - before) / rounds;
    }
}
