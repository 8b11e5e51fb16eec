package io.modelbridge.gateway.it;

/**
 * Answers as api.openai.com gives them today (gpt-4o, 2025): every field OpenAI's published OpenAPI spec lists for a
 * chat completion and its chunks, with logprobs asked for, and a web-search model's url_citation annotations.
 */
final class OpenAiRecording {
    private OpenAiRecording() {}

    static final String LOGPROBS = "{\"content\":[{\"token\":\"Hello\",\"logprob\":-0.31725305,\"bytes\":[72,101,108,108,111],"
            + "\"top_logprobs\":[{\"token\":\"Hello\",\"logprob\":-0.31725305,\"bytes\":[72,101,108,108,111]}]},"
            + "{\"token\":\"!\",\"logprob\":-0.02380986,\"bytes\":[33],\"top_logprobs\":[]}],\"refusal\":null}";
    static final String ANNOTATIONS = "[{\"type\":\"url_citation\",\"url_citation\":{\"end_index\":6,\"start_index\":0,"
            + "\"title\":\"Greetings\",\"url\":\"https://example.com/hello\"}}]";
    static final String USAGE = "{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
            + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}";

    /** A whole answer with everything today's OpenAI sends. */
    static final String COMPLETION = "{\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\"object\":\"chat.completion\","
            + "\"created\":1741570283,\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"message\":{"
            + "\"role\":\"assistant\",\"content\":\"Hello!\",\"refusal\":null,\"annotations\":" + ANNOTATIONS + "},"
            + "\"logprobs\":" + LOGPROBS + ",\"finish_reason\":\"stop\"}],\"usage\":" + USAGE + ","
            + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_fc9f1d7035\"}";

    /** A whole answer of a minimal OpenAI-compatible upstream: no refusal, no logprobs, nothing beyond 2023's fields. */
    static final String MINIMAL_COMPLETION = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello!\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}";

    private static final String CHUNK_HEAD = "{\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\","
            + "\"object\":\"chat.completion.chunk\",\"created\":1741570283,\"model\":\"gpt-4o-2024-08-06\","
            + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_fc9f1d7035\",";

    /** A stream with everything today's OpenAI sends, with include_usage. */
    static String[] stream() {
        return new String[] {
            event(CHUNK_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                    + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}"),
            event(CHUNK_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello!\",\"annotations\":" + ANNOTATIONS + "},"
                    + "\"logprobs\":" + LOGPROBS + ",\"finish_reason\":null}],\"usage\":null}"),
            event(CHUNK_HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                    + "\"usage\":null}"),
            event(CHUNK_HEAD + "\"choices\":[],\"usage\":" + USAGE + "}"),
            "data: [DONE]\n\n"};
    }

    /** A tool-call stream as OpenAI sends it: the first delta's content is null. */
    static String[] toolCallStream() {
        return new String[] {
            event(CHUNK_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":"
                    + "[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                    + "\"arguments\":\"\"}}],\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]}"),
            event(CHUNK_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
                    + "{\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},\"logprobs\":null,\"finish_reason\":null}]}"),
            event(CHUNK_HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}]}"),
            "data: [DONE]\n\n"};
    }

    /** A stream of a minimal OpenAI-compatible upstream: no role event, no logprobs, no refusal. */
    static String[] minimalStream() {
        return new String[] {
            event("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"content\":\"Hello!\"},\"finish_reason\":null}]}"),
            event("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{},\"finish_reason\":\"stop\"}]}"),
            "data: [DONE]\n\n"};
    }

    /** OpenAI's 400 for a bad parameter, naming it. */
    static final String BAD_PARAM = "{\"error\":{\"message\":\"Invalid 'top_logprobs': integer above maximum value. "
            + "Expected a value <= 20, but got 25 instead.\",\"type\":\"invalid_request_error\",\"param\":\"top_logprobs\","
            + "\"code\":\"integer_above_max_value\"}}";

    private static String event(String json) {
        return "data: " + json + "\n\n";
    }
}
