package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unfbx.chatgpt.OpenAiClient;
import com.unfbx.chatgpt.OpenAiStreamClient;
import com.unfbx.chatgpt.entity.chat.ChatChoice;
import com.unfbx.chatgpt.entity.chat.ChatCompletion;
import com.unfbx.chatgpt.entity.chat.ChatCompletionResponse;
import com.unfbx.chatgpt.entity.chat.Message;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client of ModelBridge's original usage guide, com.unfbx:chatgpt-java 1.0.14-beta1, used as its README shows
 * ({@code OpenAiClient.builder().apiKey(...).apiHost(...)}, {@code chatCompletion}, and the stream client with an
 * EventSourceListener), against an upstream that sends every field today's OpenAI sends ({@link OpenAiRecording}).
 * With a key of the classic profile it works, streamed and not; with full, its strict Jackson refuses the
 * non-streamed answer, which is why the classic profile exists.
 */
@Timeout(120)
class ChatgptJavaClientIT {
    @TempDir
    static Path dataDir;
    static HostileUpstream upstream;
    static RunningGateway gateway;
    static String fullKey;
    static String classicKey;

    @BeforeAll
    static void start() {
        upstream = HostileUpstream.start();
        gateway = RunningGateway.start(dataDir);
        ObjectNode channel = JSON.createObjectNode().put("name", "recorded").put("provider", "openai")
                .put("credential", "sk-recorded").put("base_url", upstream.baseUri().toString());
        channel.putArray("models").add("gpt-4o");
        gateway.admin("POST", "/channels", channel);
        ObjectNode alias = JSON.createObjectNode();
        alias.putArray("targets").addObject().put("channel", "recorded").put("model", "gpt-4o");
        gateway.admin("PUT", "/aliases/gpt-3.5-turbo", alias); // the client's default model
        fullKey = gateway.userWithKey("full");
        gateway.admin("POST", "/users", JSON.createObjectNode().put("name", "classic"));
        classicKey = gateway.admin("POST", "/keys", JSON.createObjectNode().put("user", "classic")
                .put("response_profile", "classic")).path("key").asText();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static ChatCompletion hello() {
        Message message = Message.builder().role(Message.Role.USER).content("Say hello").build();
        return ChatCompletion.builder().messages(List.of(message)).build();
    }

    private static String apiHost() {
        return "http://127.0.0.1:" + gateway.gateway().port() + "/";
    }

    @Test
    void classicProfileServesTheNonStreamedCall() {
        upstream.answer(HostileUpstream.reply(200, "application/json", OpenAiRecording.COMPLETION));
        OpenAiClient client = OpenAiClient.builder().apiKey(List.of(classicKey)).apiHost(apiHost()).build();
        ChatCompletionResponse response = client.chatCompletion(hello());
        assertEquals("Hello!", response.getChoices().get(0).getMessage().getContent());
        assertEquals(11, response.getUsage().getTotalTokens());
    }

    @Test
    void fullProfileBreaksThisStrictClientAsTheIssueSays() {
        upstream.answer(HostileUpstream.reply(200, "application/json", OpenAiRecording.COMPLETION));
        OpenAiClient client = OpenAiClient.builder().apiKey(List.of(fullKey)).apiHost(apiHost()).build();
        RuntimeException e = assertThrows(RuntimeException.class, () -> client.chatCompletion(hello()));
        assertTrue(causes(e).stream().anyMatch(UnrecognizedPropertyException.class::isInstance), e.toString());
    }

    @Test
    void classicProfileServesTheStream() throws Exception {
        upstream.answer(HostileUpstream.stream(OpenAiRecording.stream()));
        OpenAiStreamClient client = OpenAiStreamClient.builder().apiKey(List.of(classicKey)).apiHost(apiHost()).build();
        ObjectMapper strict = new ObjectMapper(); // FAIL_ON_UNKNOWN_PROPERTIES, as the client's own mapper
        StringBuilder text = new StringBuilder();
        CompletableFuture<Void> done = new CompletableFuture<>();
        client.streamChatCompletion(hello(), new EventSourceListener() {
            @Override
            public void onEvent(EventSource source, String id, String type, String data) {
                if (data.equals("[DONE]")) {
                    done.complete(null);
                    return;
                }
                try {
                    for (ChatChoice choice : strict.readValue(data, ChatCompletionResponse.class).getChoices()) {
                        text.append(choice.getDelta().getContent() == null ? "" : choice.getDelta().getContent());
                    }
                } catch (Exception e) {
                    done.completeExceptionally(e);
                }
            }

            @Override
            public void onFailure(EventSource source, Throwable t, Response response) {
                done.completeExceptionally(t != null ? t : new IllegalStateException("HTTP " + response.code()));
            }
        });
        done.get(30, TimeUnit.SECONDS);
        assertEquals("Hello!", text.toString());
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> all = new ArrayList<>();
        for (Throwable t = e; t != null && all.size() < 10; t = t.getCause()) {
            all.add(t);
        }
        return all;
    }
}
