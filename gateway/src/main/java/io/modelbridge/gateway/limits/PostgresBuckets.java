package io.modelbridge.gateway.limits;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import io.github.bucket4j.distributed.BucketProxy;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Buckets in the table {@code rate_limit_buckets}, shared by every instance on the database, through Bucket4j's
 * PostgreSQL proxy manager (one short SELECT ... FOR UPDATE transaction per operation), so limits are exact across
 * instances. A bucket's row expires a minute after it would be full again; {@link #removeExpired} deletes those.
 */
final class PostgresBuckets implements BucketStore {
    private static final int CLEANUP_BATCH = 1000;
    private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;

    PostgresBuckets(DataSource dataSource) {
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("rate_limit_buckets")
                .idColumn("id")
                .stateColumn("state")
                .expiresAtColumn("expires_at")
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build();
    }

    @Override
    public ConsumptionProbe tryConsume(Limit limit, long tokens) {
        return bucket(limit).tryConsumeAndReturnRemaining(tokens);
    }

    @Override
    public void refund(Limit limit, long tokens) {
        bucket(limit).addTokens(tokens);
    }

    @Override
    public void forceConsume(Limit limit, long tokens) {
        bucket(limit).consumeIgnoringRateLimits(tokens);
    }

    @Override
    public void removeExpired() {
        while (buckets.removeExpired(CLEANUP_BATCH) == CLEANUP_BATCH) {
            // more to delete
        }
    }

    private BucketProxy bucket(Limit limit) {
        return buckets.builder().build(limit.bucketKey(), () -> BucketStore.configuration(limit.perMinute()));
    }
}
