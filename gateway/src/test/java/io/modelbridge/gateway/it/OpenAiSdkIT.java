package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official OpenAI Java SDK pointed at the gateway, exactly as a user would configure it. */
class OpenAiSdkIT {
    @TempDir
    static Path dataDir;
    static OpenAiSimulator upstream;
    static RunningGateway gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = OpenAiSimulator.start();
        gateway = RunningGateway.start(dataDir);
        var channel = JSON.createObjectNode().put("name", "sim").put("provider", "openai")
                .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
        channel.putArray("models").add("gpt-4o-mini").add("text-embedding-3-small");
        gateway.admin("POST", "/channels", channel);
        var alias = JSON.createObjectNode();
        alias.putArray("targets").addObject().put("channel", "sim").put("model", "gpt-4o-mini");
        gateway.admin("PUT", "/aliases/chat", alias);
        client = sdk(gateway.userWithKey("sdk-user"));
    }

    @AfterAll
    static void stop() {
        client.close();
        gateway.close();
        upstream.close();
    }

    @Test
    void createsAChatCompletion() {
        ChatCompletion completion = client.chat().completions().create(ask("What is ModelBridge?").build());
        assertEquals("echo: What is ModelBridge?", completion.choices().getFirst().message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, completion.choices().getFirst().finishReason());
        assertTrue(completion.usage().orElseThrow().totalTokens() > 0);
    }

    @Test
    void streamsAChatCompletionWithUsage() {
        ChatCompletionCreateParams params = ask("streaming through the SDK")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
            });
        }
        assertEquals("echo: streaming through the SDK", text.toString());
        assertTrue(chunks.size() > 2, "several chunks: " + chunks.size());
        assertTrue(chunks.getLast().usage().orElseThrow().completionTokens() > 0);
    }

    @Test
    void createsEmbeddingsInTheSdksDefaultEncoding() {
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("text-embedding-3-small").input("vector me").dimensions(16).build());
        List<Float> vector = response.data().getFirst().embedding();
        float[] expected = OpenAiSimulator.embeddingOf("vector me", 16);
        assertEquals(16, vector.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], vector.get(i), 1e-6);
        }
    }

    @Test
    void listsModelsAndReportsErrorsAsSdkExceptions() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertTrue(ids.containsAll(List.of("chat", "gpt-4o-mini")), ids.toString());
        assertThrows(NotFoundException.class,
                () -> client.chat().completions().create(ask("hi").model("no-such-model").build()));
        OpenAIClient stranger = sdk("mb-this-key-does-not-exist");
        try {
            assertThrows(UnauthorizedException.class, () -> stranger.chat().completions().create(ask("hi").build()));
        } finally {
            stranger.close();
        }
    }

    private static ChatCompletionCreateParams.Builder ask(String text) {
        return ChatCompletionCreateParams.builder().model("chat").addUserMessage(text);
    }

    private static OpenAIClient sdk(String key) {
        // A trailing slash on the base URL, as many users write it.
        return OpenAIOkHttpClient.builder().baseUrl(gateway.api() + "/v1/").apiKey(key).maxRetries(0).build();
    }
}
