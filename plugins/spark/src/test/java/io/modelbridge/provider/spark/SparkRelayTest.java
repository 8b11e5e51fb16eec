package io.modelbridge.provider.spark;

import static io.modelbridge.provider.spark.SparkTestSupport.CREDENTIAL;
import static io.modelbridge.provider.spark.SparkTestSupport.error;
import static io.modelbridge.provider.spark.SparkTestSupport.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.Usage;
import io.modelbridge.testkit.ChunkRecorder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spark's frames to chunks: order, the finish, usage from the last frame, calls, and how a stream can go wrong. */
class SparkRelayTest {
    private static final String USAGE =
            "{\"question_tokens\":4,\"prompt_tokens\":5,\"completion_tokens\":9,\"total_tokens\":14}";

    @Test
    void framesBecomeTextThenOneFinishThenTheLastFramesUsage() {
        ChunkRecorder out = new ChunkRecorder();
        SparkRelay.Outcome outcome = new SparkRelay(CREDENTIAL, null, out).run(new SparkTestSupport.ScriptedSession(
                frame(0, "你好", null), frame(1, "，我是讯飞星火", null), frame(2, "认知大模型。", USAGE)));
        assertEquals(List.of(new ChatChunk.TextDelta(0, "你好"), new ChatChunk.TextDelta(0, "，我是讯飞星火"),
                new ChatChunk.TextDelta(0, "认知大模型。"), new ChatChunk.Finish(0, FinishReason.STOP),
                new ChatChunk.UsageReport(new Usage(5, 9, 14))), out.chunks());
        assertEquals("cht000abc@dx1", outcome.sid());
    }

    @Test
    void aFunctionCallFrameIsOneWholeToolCallWithAnId() {
        String call = "{\"header\":{\"code\":0,\"message\":\"Success\",\"sid\":\"s\",\"status\":2},\"payload\":{\"choices\":"
                + "{\"status\":2,\"seq\":0,\"text\":[{\"content\":\"\",\"role\":\"assistant\",\"index\":0,\"function_call\":"
                + "{\"name\":\"get_weather\",\"arguments\":\"{\\\"location\\\":\\\"北京\\\"}\"}}]},\"usage\":{\"text\":"
                + USAGE + "}}}";
        ChunkRecorder out = new ChunkRecorder();
        new SparkRelay(CREDENTIAL, null, out).run(new SparkTestSupport.ScriptedSession(call));
        ChatChunk.ToolCallDelta delta = out.of(ChatChunk.ToolCallDelta.class).getFirst();
        assertEquals("get_weather", delta.name());
        assertEquals("{\"location\":\"北京\"}", delta.argumentsFragment());
        assertTrue(delta.id().startsWith("call_") && delta.id().length() > 10, delta.id());
        assertEquals(List.of(new ChatChunk.Finish(0, FinishReason.TOOL_CALLS)), out.of(ChatChunk.Finish.class));
    }

    @Test
    void aCompletionAsLongAsMaxTokensFinishedForLength() {
        ChunkRecorder out = new ChunkRecorder();
        new SparkRelay(CREDENTIAL, 9, out).run(new SparkTestSupport.ScriptedSession(frame(2, "cut", USAGE)));
        assertEquals(List.of(new ChatChunk.Finish(0, FinishReason.LENGTH)), out.of(ChatChunk.Finish.class));
    }

    @Test
    void anErrorFrameAfterTextEndsTheStreamWithTheFailureAndNoFinish() {
        ChunkRecorder out = new ChunkRecorder();
        ProviderException e = assertThrows(ProviderException.class, () -> new SparkRelay(CREDENTIAL, null, out)
                .run(new SparkTestSupport.ScriptedSession(frame(0, "partial ", null), error(10012, "EngineInternalError"))));
        assertEquals(Kind.UNAVAILABLE, e.failure().kind());
        assertEquals("10012", e.failure().vendorCode());
        assertEquals("partial ", out.text());
        assertEquals(List.of(), out.of(ChatChunk.Finish.class));
    }

    /** 10014: the output tripped the audit and the rest is withheld; what was sent stands, as content_filter. */
    @Test
    void outputFilteredAfterTextFinishesAsContentFilterButBeforeTextIsAFailure() {
        ChunkRecorder out = new ChunkRecorder();
        new SparkRelay(CREDENTIAL, null, out).run(new SparkTestSupport.ScriptedSession(frame(0, "some ", null),
                error(10014, "输出内容涉及敏感信息")));
        assertEquals(List.of(new ChatChunk.TextDelta(0, "some "), new ChatChunk.Finish(0, FinishReason.CONTENT_FILTER)),
                out.chunks());
        ProviderException e = assertThrows(ProviderException.class, () -> new SparkRelay(CREDENTIAL, null,
                new ChunkRecorder()).run(new SparkTestSupport.ScriptedSession(error(10014, "输出内容涉及敏感信息"))));
        assertEquals(Kind.CONTENT_FILTER, e.failure().kind());
    }

    @Test
    void aSocketClosedBeforeStatusTwoOrAFrameThatIsNotSparksIsAProtocolError() {
        ProviderException closed = assertThrows(ProviderException.class, () -> new SparkRelay(CREDENTIAL, null,
                new ChunkRecorder()).run(new SparkTestSupport.ScriptedSession(frame(0, "a", null))));
        assertEquals(Kind.PROTOCOL, closed.failure().kind());
        for (String bad : new String[] {"<html>", "[1,2]", "{\"header\":{\"message\":\"x\"}}", "{\"header\":{\"code\":0}}"}) {
            ProviderException e = assertThrows(ProviderException.class, () -> new SparkRelay(CREDENTIAL, null,
                    new ChunkRecorder()).run(new SparkTestSupport.ScriptedSession(bad)));
            assertEquals(Kind.PROTOCOL, e.failure().kind(), bad);
        }
    }

    @Test
    void theAdapterClosesTheSocketWhenTheConsumerFails() {
        var session = new SparkTestSupport.ScriptedSession(frame(0, "a", null), frame(2, "b", USAGE));
        var transport = new SparkTestSupport.ScriptedTransport(session);
        IllegalStateException gone = new IllegalStateException("client went away");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> new SparkAdapter().stream(
                SparkTestSupport.ask("spark-max", "hi"), SparkTestSupport.context("ws://127.0.0.1:9", transport),
                chunk -> {
                    throw gone;
                }));
        assertEquals(gone, thrown);
        assertTrue(session.closed);
        assertEquals(1, session.sent.size(), "one request frame per connection");
        assertInstanceOf(String.class, transport.opened.getRawQuery());
        assertTrue(transport.opened.toString().startsWith("ws://127.0.0.1:9/v3.5/chat?authorization="));
    }
}
