package io.modelbridge.gateway.portal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Copy-paste code for calling this gateway from the usual OpenAI clients. */
final class Snippets {
    private Snippets() {}

    /**
     * Heading (a language, in {@code t}'s words) to code, for the base URL (without /v1), a model and a key (or a
     * placeholder). The code itself is the same in every language.
     */
    static Map<String, String> all(Language t, String base, String model, String key) {
        String v1 = base + "/v1";
        Map<String, String> s = new LinkedHashMap<>();
        s.put(t.text("sdk", "Python", "openai ≥ 1.0"), """
                from openai import OpenAI

                client = OpenAI(base_url="%s", api_key="%s")
                reply = client.chat.completions.create(
                    model="%s", messages=[{"role": "user", "content": "Hello"}])
                print(reply.choices[0].message.content)""".formatted(v1, key, model));
        s.put(t.text("sdk", "Python", "openai 0.28"), """
                import openai

                openai.api_base = "%s"
                openai.api_key = "%s"
                reply = openai.ChatCompletion.create(
                    model="%s", messages=[{"role": "user", "content": "Hello"}])
                print(reply.choices[0].message.content)""".formatted(v1, key, model));
        s.put("curl", """
                curl %s/chat/completions \\
                  -H "Authorization: Bearer %s" \\
                  -H "Content-Type: application/json" \\
                  -d '{"model": "%s", "messages": [{"role": "user", "content": "Hello"}]}'""".formatted(v1, key, model));
        s.put("Node.js", """
                import OpenAI from "openai";

                const client = new OpenAI({ baseURL: "%s", apiKey: "%s" });
                const reply = await client.chat.completions.create({
                  model: "%s", messages: [{ role: "user", content: "Hello" }] });
                console.log(reply.choices[0].message.content);""".formatted(v1, key, model));
        s.put(t.text("sdk", "Java", "openai-java"), """
                OpenAIClient client = OpenAIOkHttpClient.builder()
                        .baseUrl("%s").apiKey("%s").build();
                ChatCompletion reply = client.chat().completions().create(ChatCompletionCreateParams.builder()
                        .model("%s").addUserMessage("Hello").build());
                System.out.println(reply.choices().get(0).message().content().orElse(""));""".formatted(v1, key, model));
        return s;
    }

    /** The model the snippets call: the first one on offer, or a placeholder when there is none yet. */
    static String exampleModel(List<String> models) {
        return models.isEmpty() ? "MODEL" : models.get(0);
    }
}
