package io.modelbridge.provider.ernie;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where ERNIE's classic API lives (vendor-protocols.md 3.1, 3.2, 3.9): the OAuth token path and the per-model chat
 * and embeddings paths, all appended to the channel's base URL (default {@code https://aip.baidubce.com}).
 */
final class ErnieEndpoints {
    static final String DEFAULT_BASE_URL = "https://aip.baidubce.com";
    static final String TOKEN_PATH = "/oauth/2.0/token";
    static final String MODEL_PREFIX = "/rpc/2.0/ai_custom/v1/wenxinworkshop";

    /** Model names (lower case) to the path after {@code /wenxinworkshop/}; from one-api and the qianfan SDK. */
    private static final Map<String, String> PATHS = Map.ofEntries(
            Map.entry("ernie-4.0-8k", "chat/completions_pro"),
            Map.entry("ernie-4.0", "chat/completions_pro"),
            Map.entry("ernie-bot-4", "chat/completions_pro"),
            Map.entry("ernie-4.0-8k-preview-0518", "chat/completions_adv_pro"),
            Map.entry("ernie-3.5-8k", "chat/completions"),
            Map.entry("ernie-bot", "chat/completions"),
            Map.entry("ernie-lite-8k-0922", "chat/eb-instant"),
            Map.entry("ernie-bot-turbo", "chat/eb-instant"),
            Map.entry("ernie-speed-8k", "chat/ernie_speed"),
            Map.entry("ernie-speed", "chat/ernie_speed"),
            Map.entry("ernie-bot-8k", "chat/ernie_bot_8k"),
            Map.entry("ernie-lite-8k-0308", "chat/ernie-lite-8k"),
            Map.entry("ernie-lite-8k", "chat/ernie-lite-8k"),
            Map.entry("ernie-character-8k", "chat/ernie-char-8k"),
            Map.entry("ernie-character-fiction-8k", "chat/ernie-char-fiction-8k"),
            Map.entry("ernie-function-8k", "chat/ernie-func-8k"),
            Map.entry("ernie speed-appbuilder", "chat/ai_apaas"),
            Map.entry("ernie-lite-appbuilder-8k-0614", "chat/ai_apaas_lite"),
            Map.entry("bloomz-7b", "chat/bloomz_7b1"),
            Map.entry("llama-2-7b-chat", "chat/llama_2_7b"),
            Map.entry("llama-2-13b-chat", "chat/llama_2_13b"),
            Map.entry("llama-2-70b-chat", "chat/llama_2_70b"),
            Map.entry("meta-llama-3-8b", "chat/llama_3_8b"),
            Map.entry("meta-llama-3-70b", "chat/llama_3_70b"),
            Map.entry("mixtral-8x7b-instruct", "chat/mixtral_8x7b_instruct"),
            Map.entry("yi-34b-chat", "chat/yi_34b_chat"),
            Map.entry("gemma-7b-it", "chat/gemma_7b_it"),
            Map.entry("chatglm2-6b-32k", "chat/chatglm2_6b_32k"),
            Map.entry("embedding-v1", "embeddings/embedding-v1"),
            Map.entry("bge-large-zh", "embeddings/bge_large_zh"),
            Map.entry("bge-large-en", "embeddings/bge_large_en"),
            Map.entry("tao-8k", "embeddings/tao_8k"));

    /** Shown in the plugin listing. */
    static final List<String> KNOWN_MODELS = List.of("ERNIE-4.0-8K", "ERNIE-4.0-8K-Latest", "ERNIE-4.0-Turbo-8K",
            "ERNIE-3.5-8K", "ERNIE-3.5-128K", "ERNIE-Speed-8K", "ERNIE-Speed-128K", "ERNIE-Lite-8K", "ERNIE-Tiny-8K",
            "ERNIE-Function-8K", "Embedding-V1", "bge-large-zh", "bge-large-en", "tao-8k");

    private ErnieEndpoints() {}

    /**
     * The chat path for a model: the table above, else {@code chat/<model in lower case>}, which also lets a channel
     * name a raw endpoint suffix such as {@code completions_pro} or a custom deployment.
     */
    static String chatPath(String model) {
        String key = model.strip().toLowerCase(Locale.ROOT);
        String path = PATHS.get(key);
        if (path != null && path.startsWith("chat/")) {
            return MODEL_PREFIX + "/" + path;
        }
        return MODEL_PREFIX + "/chat/" + key;
    }

    /** The embeddings path: the table above, else {@code embeddings/<model in lower case>}. */
    static String embeddingsPath(String model) {
        String key = model.strip().toLowerCase(Locale.ROOT);
        String path = PATHS.get(key);
        if (path != null && path.startsWith("embeddings/")) {
            return MODEL_PREFIX + "/" + path;
        }
        return MODEL_PREFIX + "/embeddings/" + key;
    }
}
