package io.modelbridge.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.gateway.control.SharedGateway;
import io.modelbridge.gateway.it.RunningGateway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Bucket4j's PostgreSQL proxy manager on the migrated schema (the shared control-IT gateway's database, whose own
 * limits are local): shared buckets, refunds, expiry clean-up.
 */
@Tag("it")
@Timeout(120)
class PostgresBucketsIT {
    static PGSimpleDataSource dataSource;
    static DSLContext sql;

    @BeforeAll
    static void connect() {
        RunningGateway gw = SharedGateway.get();
        dataSource = new PGSimpleDataSource();
        dataSource.setUrl(gw.gateway().jdbcUrl());
        dataSource.setUser(gw.gateway().dbUser());
        dataSource.setPassword(gw.gateway().dbPassword());
        sql = DSL.using(dataSource, SQLDialect.POSTGRES);
    }

    @Test
    void twoStoresShareOneBucketAndExpiredRowsAreRemoved() {
        sql.execute("delete from rate_limit_buckets where id like 'user:alice:%'"); // a rerun starts full too
        PostgresBuckets first = new PostgresBuckets(dataSource, 2);
        PostgresBuckets second = new PostgresBuckets(dataSource, 2);
        Limit limit = Limit.of("user", "alice", Dimension.REQUESTS, 3);
        assertEquals(2, first.tryConsume(limit, 1).getRemainingTokens());
        assertEquals(1, second.tryConsume(limit, 1).getRemainingTokens());
        assertTrue(first.tryConsume(limit, 1).isConsumed());
        assertFalse(second.tryConsume(limit, 1).isConsumed(), "the third of three went through the first store");
        second.refund(limit, 1);
        assertTrue(first.tryConsume(limit, 1).isConsumed());

        first.removeExpired();
        assertEquals(1, rows(), "a bucket in use stays");
        sql.execute("update rate_limit_buckets set expires_at = 0 where id like 'user:alice:%'");
        second.removeExpired();
        assertEquals(0, rows());
        assertEquals(2, first.tryConsume(limit, 1).getRemainingTokens(), "a removed bucket starts full again");
    }

    private static int rows() {
        return sql.fetchCount(sql.selectFrom("rate_limit_buckets").where("id like 'user:alice:%'"));
    }
}
