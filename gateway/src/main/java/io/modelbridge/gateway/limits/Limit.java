package io.modelbridge.gateway.limits;

/**
 * One limit that applies to a request: {@code perMinute} of a dimension in the bucket {@code bucketKey}.
 * The key carries the limit value, so a changed limit starts a fresh bucket everywhere.
 *
 * @param scope what the limit is set on, for messages: "global", "user alice", "key 7", "model chat"
 */
record Limit(String scope, String bucketKey, Dimension dimension, long perMinute) {

    static Limit of(String scope, String subject, Dimension dimension, long perMinute) {
        String label = scope.equals("global") ? "global" : scope + " " + subject;
        return new Limit(label, scope + ":" + subject + ":" + dimension.header() + ":" + perMinute, dimension, perMinute);
    }
}
