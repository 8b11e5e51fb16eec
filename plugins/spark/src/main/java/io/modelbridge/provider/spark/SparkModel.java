package io.modelbridge.provider.spark;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One Spark model on the WebSocket API: where it listens and what it accepts (docs/vendors/spark.md, "Models";
 * iFlytek's Web API page and the official SDK's {@code SparkModel} table).
 *
 * @param name      the canonical gateway model name
 * @param domain    {@code parameter.chat.domain}
 * @param path      the WebSocket path under the base URL
 * @param functions whether {@code payload.functions} is accepted
 * @param system    whether a {@code system} message is accepted
 * @param maxTokens the largest {@code max_tokens}
 */
record SparkModel(String name, String domain, String path, boolean functions, boolean system, int maxTokens) {

    static final List<SparkModel> ALL = List.of(
            new SparkModel("spark-lite", "lite", "/v1.1/chat", false, false, 4096),
            new SparkModel("spark-pro", "generalv3", "/v3.1/chat", true, true, 8192),
            new SparkModel("spark-pro-128k", "pro-128k", "/chat/pro-128k", true, true, 4096),
            new SparkModel("spark-max", "generalv3.5", "/v3.5/chat", true, true, 8192),
            new SparkModel("spark-max-32k", "max-32k", "/chat/max-32k", true, true, 8192),
            new SparkModel("spark-4.0-ultra", "4.0Ultra", "/v4.0/chat", true, true, 8192));

    /** A model by its gateway name or by its Spark domain, case-insensitively ({@code Spark-Max}, {@code generalv3.5}). */
    static Optional<SparkModel> find(String model) {
        String m = model == null ? "" : model.strip().toLowerCase(Locale.ROOT);
        return ALL.stream()
                .filter(s -> s.name.equals(m) || s.domain.toLowerCase(Locale.ROOT).equals(m))
                .findFirst();
    }

    /** Every name a channel may list: the gateway names, then the domains. */
    static List<String> knownNames() {
        return java.util.stream.Stream.concat(ALL.stream().map(SparkModel::name), ALL.stream().map(SparkModel::domain))
                .toList();
    }
}
