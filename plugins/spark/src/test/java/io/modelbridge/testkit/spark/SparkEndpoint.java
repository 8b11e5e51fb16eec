package io.modelbridge.testkit.spark;

import java.util.List;
import java.util.Optional;

/**
 * One WebSocket chat endpoint of spark-api.xf-yun.com and what it accepts, per iFlytek's Web API page and the
 * official SDK's model table (docs/vendors/spark.md).
 *
 * @param path      the WebSocket path
 * @param domain    the {@code parameter.chat.domain} the path serves
 * @param functions whether {@code payload.functions} is accepted
 * @param system    whether a {@code system} message is accepted
 * @param maxTokens the largest {@code max_tokens}
 * @param context   how many tokens the whole conversation may hold (beyond it: 10907)
 */
record SparkEndpoint(String path, String domain, boolean functions, boolean system, int maxTokens, int context) {
    static final List<SparkEndpoint> ALL = List.of(
            new SparkEndpoint("/v1.1/chat", "lite", false, false, 4096, 8192),
            new SparkEndpoint("/v3.1/chat", "generalv3", true, true, 8192, 8192),
            new SparkEndpoint("/chat/pro-128k", "pro-128k", true, true, 4096, 131072),
            new SparkEndpoint("/v3.5/chat", "generalv3.5", true, true, 8192, 8192),
            new SparkEndpoint("/chat/max-32k", "max-32k", true, true, 8192, 32768),
            new SparkEndpoint("/v4.0/chat", "4.0Ultra", true, true, 8192, 8192));

    static Optional<SparkEndpoint> at(String path) {
        return ALL.stream().filter(e -> e.path.equals(path)).findFirst();
    }
}
