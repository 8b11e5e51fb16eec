package io.modelbridge.gateway.limits;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Buckets in the table {@code rate_limit_buckets}, shared by every instance on the database, through Bucket4j's
 * PostgreSQL proxy manager (one short SELECT ... FOR UPDATE transaction per store operation; how often a request
 * needs one, and the bound that buys, is {@link SharedBuckets}'s). A bucket's row expires a minute after it would be
 * full again; {@link #removeExpired} deletes those.
 *
 * <p>At most {@code maxConcurrent} operations hold a connection at once; the rest queue ({@link QueuedDataSource},
 * fair, up to {@link #QUEUE_WAIT}) instead of in the connection pool, whose short timeout would turn a busy pool into
 * a failed bucket operation. Operations on one bucket serialize on its row lock anyway, so more connections buy
 * nothing. Operations answered from this instance's copy of a bucket do not queue.
 */
final class PostgresBuckets implements BucketStore {
    private static final int CLEANUP_BATCH = 1000;
    static final Duration QUEUE_WAIT = Duration.ofSeconds(10);
    private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
    private final SharedBuckets shared;

    PostgresBuckets(DataSource dataSource, int maxConcurrent) {
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(
                        new QueuedDataSource(dataSource, maxConcurrent, QUEUE_WAIT))
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("rate_limit_buckets")
                .idColumn("id")
                .stateColumn("state")
                .expiresAtColumn("expires_at")
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build();
        this.shared = new SharedBuckets(buckets, SharedBuckets.POSTGRES_MAX_UNSYNCED_TIME);
    }

    @Override
    public ConsumptionProbe tryConsume(Limit limit, long tokens) {
        return shared.tryConsume(limit, tokens);
    }

    @Override
    public void refund(Limit limit, long tokens) {
        shared.refund(limit, tokens);
    }

    @Override
    public void forceConsume(Limit limit, long tokens) {
        shared.forceConsume(limit, tokens);
    }

    @Override
    public void close() {
        shared.close();
    }

    @Override
    public void removeExpired() {
        while (buckets.removeExpired(CLEANUP_BATCH) == CLEANUP_BATCH) {
            // more to delete
        }
    }
}
