package io.modelbridge.db.repo;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One request's usage row. Nullable: userId and keyId (unauthenticated), alias, channel, provider and
 * upstreamModel (failed before routing), ttftMs, errorCode, clientRequestId. {@code estimated} marks tokens the
 * gateway counted itself because the upstream sent none.
 *
 * @param requestId       the gateway's own id, unique per request
 * @param clientRequestId the x-request-id the client sent, for correlation (null when it sent none)
 * @param cachedPromptTokens the part of the prompt tokens the upstream served from its cache; null when not reported
 * @param reasoningTokens    the part of the completion tokens spent on reasoning; null when not reported
 * @param leaseId         the quota lease the cost is charged to (null when the request reserved no quota): the
 *                        lease's close charges the user the sum of the costs of its rows
 * @param dialect         the client API the request came in through ({@code openai-chat}, {@code anthropic-messages},
 *                        ...); null on rows from before the column
 */
public record UsageRow(String requestId, Instant at, Long userId, Long keyId, String alias, String channel,
                       String provider, String upstreamModel, boolean stream, int promptTokens,
                       int completionTokens, Integer cachedPromptTokens, Integer reasoningTokens, boolean estimated,
                       BigDecimal cost, int latencyMs, Integer ttftMs, int status, String errorCode, String clientRequestId, Long leaseId,
                       String dialect) {

    /** A row without its dialect. */
    public UsageRow(String requestId, Instant at, Long userId, Long keyId, String alias, String channel,
                    String provider, String upstreamModel, boolean stream, int promptTokens, int completionTokens,
                    Integer cachedPromptTokens, Integer reasoningTokens, boolean estimated, BigDecimal cost,
                    int latencyMs, Integer ttftMs, int status, String errorCode, String clientRequestId, Long leaseId) {
        this(requestId, at, userId, keyId, alias, channel, provider, upstreamModel, stream, promptTokens,
                completionTokens, cachedPromptTokens, reasoningTokens, estimated, cost, latencyMs, ttftMs, status,
                errorCode, clientRequestId, leaseId, null);
    }

    /** A row without cached or reasoning token counts, nor its dialect. */
    public UsageRow(String requestId, Instant at, Long userId, Long keyId, String alias, String channel,
                    String provider, String upstreamModel, boolean stream, int promptTokens, int completionTokens,
                    boolean estimated, BigDecimal cost, int latencyMs, Integer ttftMs, int status, String errorCode,
                    String clientRequestId, Long leaseId) {
        this(requestId, at, userId, keyId, alias, channel, provider, upstreamModel, stream, promptTokens,
                completionTokens, null, null, estimated, cost, latencyMs, ttftMs, status, errorCode, clientRequestId,
                leaseId);
    }

    /** This row, charged to the lease. */
    public UsageRow chargedTo(long lease) {
        return new UsageRow(requestId, at, userId, keyId, alias, channel, provider, upstreamModel, stream,
                promptTokens, completionTokens, cachedPromptTokens, reasoningTokens, estimated, cost, latencyMs, ttftMs,
                status, errorCode, clientRequestId, lease, dialect);
    }

    /** This row, with the cost of its tokens. */
    public UsageRow withCost(BigDecimal price) {
        return new UsageRow(requestId, at, userId, keyId, alias, channel, provider, upstreamModel, stream,
                promptTokens, completionTokens, cachedPromptTokens, reasoningTokens, estimated, price, latencyMs,
                ttftMs, status, errorCode, clientRequestId, leaseId, dialect);
    }
}
