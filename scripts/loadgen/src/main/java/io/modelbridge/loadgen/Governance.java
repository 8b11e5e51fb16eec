package io.modelbridge.loadgen;

/**
 * Evidence that the governance path was on in the measured gateway, read through its own APIs.
 *
 * @param probeStatus      status of one chat request sent before the load
 * @param rateLimitHeaders whether that answer carried {@code x-ratelimit-*} headers (the limiter ran)
 * @param quotaBefore      the bench user's quota balance before the load
 * @param quotaAfter       and after it (a lower balance: reservations were settled and charged)
 * @param usageRows        usage rows the gateway wrote (GET /admin/v1/usage)
 * @param requestsSent     requests the generator sent to the gateway
 */
record Governance(int probeStatus, boolean rateLimitHeaders, String quotaBefore, String quotaAfter, long usageRows,
                  long requestsSent) {
    Governance after(String quota, long rows, long sent) {
        return new Governance(probeStatus, rateLimitHeaders, quotaBefore, quota, rows, sent);
    }
}
