package io.modelbridge.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatChunk.Finish;
import io.modelbridge.spi.ChatChunk.ReasoningDelta;
import io.modelbridge.spi.ChatChunk.TextDelta;
import io.modelbridge.spi.ChatPassthrough;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.ProviderException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which events of a passed stream go to the gateway whole, to be relayed as they came
 * ({@link ChatPassthrough.PassedEvent}), with the places of the values the gateway replaces; and that a relaying parser gives the same chunks in the same
 * order as one that is not, events' chunks included, on the whole corpus of {@link OpenAiStreamParserTest}.
 */
class OpenAiStreamRelayTest {
    private static final String HEAD = "{\"id\":\"chatcmpl-up\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,"
            + "\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_1\",";
    private static final String TEXT = HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"logprobs\":null,"
            + "\"finish_reason\":null}],\"usage\":null}";

    private record Read(List<ChatChunk> chunks, List<ChatPassthrough.PassedEvent> events) {}

    @Test
    void aTextEventGoesWholeWithThePlacesOfItsIdCreatedModelAndUsage() {
        ChatPassthrough.PassedEvent event = read(TEXT).events().getFirst();
        assertEquals(TEXT, event.text());
        assertEquals("\"chatcmpl-up\"", at(event, event.id()));
        assertEquals("1741569952", at(event, event.created()));
        assertEquals("\"gpt-4o-2024-08-06\"", at(event, event.model()));
        assertEquals(",\"usage\":null", at(event, event.usageNull()));
        assertEquals(List.of(new TextDelta(0, "Hi")), event.chunks().stream()
                .filter(c -> !(c instanceof ChatChunk.Fields)).toList());
        assertFalse(event.opensChoice());
        assertNull(read(TEXT.replace(",\"usage\":null", "")).events().getFirst().usageNull());
    }

    @Test
    void reasoningAFinishAndAnOpeningWithTextGoWhole() {
        String reasoning = HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":null,\"reasoning_content\":\"\u60f3\"},"
                + "\"finish_reason\":null}]}";
        String finish = HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}";
        String opening = HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"},"
                + "\"finish_reason\":null}]}";
        Read read = read(opening, reasoning, finish);
        assertEquals(3, read.events().size(), read.toString());
        assertTrue(read.events().getFirst().opensChoice());
        assertTrue(read.events().get(1).chunks().contains(new ReasoningDelta(0, "\u60f3")));
        assertEquals(List.of(new Finish(0, FinishReason.STOP)), read.events().get(2).chunks().stream()
                .filter(c -> !(c instanceof ChatChunk.Fields)).toList());
        assertTrue(read.chunks().isEmpty(), read.chunks().toString());
    }

    /** Each of these says something the chunks do not, or the gateway would write it otherwise. */
    @Test
    void eventsThatSaySomethingElseGoAsChunks() {
        List<String> others = List.of(
                HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}",
                HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}",
                HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":\"eos\"}]}",
                HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":null,"
                        + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}]}",
                HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":null}],"
                        + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}",
                HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":null},"
                        + "{\"index\":1,\"delta\":{\"content\":\"b\"},\"finish_reason\":null}]}",
                HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"user\",\"content\":\"a\"},\"finish_reason\":null}]}",
                HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}",
                HEAD + "\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]}",
                TEXT.replace("chat.completion.chunk", "chat.completion"),
                TEXT.replace("\"created\":1741569952,", ""),
                TEXT.replace("\"created\":1741569952", "\"created\":\"1741569952\""),
                "{\"usage\":null," + TEXT.substring(1).replace(",\"usage\":null", ""),
                TEXT + " 1",
                TEXT.replace("\"content\":\"Hi\"}", "\"content\":\"Hi\"}\n"));
        for (String event : others) {
            Read read = read(event);
            assertTrue(read.events().isEmpty(), event + " went whole");
        }
        assertTrue(read(TEXT + " 1").chunks().contains(new TextDelta(0, "Hi")), "what follows the event is not read");
    }

    @Test
    void aSecondFinishOfTheSameChoiceGoesAsChunks() {
        String finish = HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}";
        Read read = read(finish, finish);
        assertEquals(1, read.events().size());
        assertEquals(List.of(new TextDelta(0, "a")), read.chunks().stream()
                .filter(c -> !(c instanceof ChatChunk.Fields)).toList());
    }

    @Test
    void aRelayingParserGivesTheChunksOfOneThatIsNot() {
        List<String> all = new ArrayList<>(OpenAiStreamParserTest.USUAL);
        all.addAll(OpenAiStreamParserTest.UNUSUAL);
        all.add(TEXT);
        List<String> streams = new ArrayList<>();
        for (String data : all) {
            streams.add("data: " + data + "\n\ndata: [DONE]\n\n");
        }
        streams.add(String.join("", all.stream().map(data -> "data: " + data + "\n\n").toList()) + "data: [DONE]\n\n");
        int whole = 0;
        for (String stream : streams) {
            List<Object> plain = new ArrayList<>();
            List<Object> relaying = new ArrayList<>();
            parse(stream, plain, null);
            List<ChatPassthrough.PassedEvent> events = new ArrayList<>();
            parse(stream, relaying, events);
            assertEquals(plain, relaying, stream);
            whole += events.size();
        }
        assertTrue(whole >= 4, whole + " events went whole");
    }

    /** Every chunk in order, events' chunks in their place, then the failure, if any. */
    private static void parse(String stream, List<Object> out, List<ChatPassthrough.PassedEvent> events) {
        try {
            new OpenAiStreamParser("sk", out::add).relaying(events == null ? null : event -> {
                events.add(event);
                out.addAll(event.chunks());
            }).parse(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)));
        } catch (ProviderException e) {
            out.add(e.failure().kind() + ": " + e.failure().message());
        }
    }

    private static Read read(String... data) {
        StringBuilder stream = new StringBuilder();
        for (String event : data) {
            stream.append("data: ").append(event.replace("\n", "\ndata: ")).append("\n\n"); // data of two lines
        }
        List<ChatChunk> chunks = new ArrayList<>();
        List<ChatPassthrough.PassedEvent> events = new ArrayList<>();
        new OpenAiStreamParser("sk", chunks::add).relaying(events::add)
                .parse(new ByteArrayInputStream(stream.append("data: [DONE]\n\n").toString()
                        .getBytes(StandardCharsets.UTF_8)));
        return new Read(chunks, events);
    }

    private static String at(ChatPassthrough.PassedEvent event, ChatPassthrough.Span span) {
        return event.text().substring(span.start(), span.end());
    }
}
