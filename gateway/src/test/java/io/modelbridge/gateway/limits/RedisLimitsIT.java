package io.modelbridge.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.db.repo.ApiKey;
import io.modelbridge.db.repo.RateLimit;
import io.modelbridge.gateway.auth.Caller;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.it.RedisServer;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MB_RATE_LIMITS=redis://... on a real redis-server: two stores (two instances) share buckets; small buckets are
 * exact, larger ones admit at most limit + instances × unsynchronized tokens while going to Redis far less than once
 * per request; a down or paused Redis fails fast into MB_RATE_LIMITS_ON_STORE_FAILURE, and limits work again once
 * it is back.
 */
@Tag("it")
@Timeout(120)
@Tag("alone")
class RedisLimitsIT {

    @Test
    void twoInstancesShareOneExactBucketAndItExpiresInRedis() {
        try (RedisServer redis = RedisServer.start();
             RedisBuckets first = new RedisBuckets(redis.redisUrl());
             RedisBuckets second = new RedisBuckets(redis.redisUrl())) {
            Limit limit = Limit.of("user", "alice", Dimension.REQUESTS, 3);
            assertEquals(2, first.tryConsume(limit, 1).getRemainingTokens());
            assertEquals(1, second.tryConsume(limit, 1).getRemainingTokens());
            assertTrue(first.tryConsume(limit, 1).isConsumed());
            assertFalse(second.tryConsume(limit, 1).isConsumed(), "the third of three went through the first store");
            second.refund(limit, 1);
            assertTrue(first.tryConsume(limit, 1).isConsumed(), "an exact bucket's refund is in Redis at once");
            long ttl = Long.parseLong(redis.command("PTTL", "mb:rl:user:alice:requests:3").substring(1));
            assertTrue(ttl > 0 && ttl <= 120_000, "the key expires once its bucket would be full: " + ttl);
        }
    }

    @Test
    void refundsOfALargeBucketWaitInMemoryAndReachRedisWithinTheFlushPeriod() throws Exception {
        try (RedisServer redis = RedisServer.start();
             RedisBuckets first = new RedisBuckets(redis.redisUrl())) {
            Limit tpm = Limit.of("user", "bob", Dimension.TOKENS, 10_000); // u = 100 tokens
            assertTrue(first.tryConsume(tpm, 5000).isConsumed(), "more than u: straight to Redis");
            first.refund(tpm, 4000);
            TimeUnit.MILLISECONDS.sleep(3 * SharedBuckets.REDIS_MAX_UNSYNCED_TIME.toMillis());
            try (RedisBuckets second = new RedisBuckets(redis.redisUrl())) {
                assertEquals(8999, second.tryConsume(tpm, 1).getRemainingTokens(), "the refund is in Redis");
            }
        }
    }

    @Test
    void twoInstancesUnderConcurrentLoadAdmitAtMostTheLimitPlusTheirUnsynchronizedTokens() throws Exception {
        int rpm = 1000;
        long bound = 2 * SharedBuckets.unsynchronizedTokens(rpm);
        try (RedisServer redis = RedisServer.start();
             RateLimiter a = RateLimiter.redis(List::of, redis.redisUrl(), false, outcome -> { });
             RateLimiter b = RateLimiter.redis(List::of, redis.redisUrl(), false, outcome -> { })) {
            Caller caller = caller(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE), rpm, null);
            AtomicInteger admitted = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            try (ExecutorService clients = Executors.newFixedThreadPool(200, Thread.ofVirtual().factory())) {
                for (int i = 0; i < 3 * rpm; i++) {
                    RateLimiter instance = i % 2 == 0 ? a : b;
                    clients.submit(() -> {
                        try {
                            instance.admit(caller, "chat", 10);
                            admitted.incrementAndGet();
                        } catch (GatewayException e) {
                            assertEquals(429, e.error().status());
                            refused.incrementAndGet();
                        }
                    });
                }
            }
            System.out.printf("Redis, 2 instances, rpm %d, %d requests: %d admitted (bound %d + %d)%n", rpm, 3 * rpm,
                    admitted.get(), rpm, bound);
            assertTrue(admitted.get() >= rpm, "no fewer than the limit: " + admitted.get());
            assertTrue(admitted.get() <= rpm + bound, admitted.get() + " admitted, over " + rpm + " + " + bound);
            assertEquals(3 * rpm, admitted.get() + refused.get());
        }
    }

    @Test
    void requestsUnderHighLimitsGoToRedisFarLessThanOncePerBucket() throws Exception {
        List<RateLimit> limits = List.of(new RateLimit("global", "", 1_000_000, 1_000_000_000),
                new RateLimit("user", "alice", 1_000_000, 1_000_000_000));
        int requests = 2000;
        try (RedisServer redis = RedisServer.start();
             RateLimiter limiter = RateLimiter.redis(() -> limits, redis.redisUrl(), false, outcome -> { })) {
            Caller caller = caller(42, 1_000_000, 1_000_000_000);
            long before = redis.stat("total_commands_processed");
            try (ExecutorService clients = Executors.newFixedThreadPool(50, Thread.ofVirtual().factory())) {
                for (int i = 0; i < requests; i++) {
                    clients.submit(() -> limiter.admit(caller, "chat", 100).reconcile(60));
                }
            }
            TimeUnit.MILLISECONDS.sleep(3 * SharedBuckets.REDIS_MAX_UNSYNCED_TIME.toMillis()); // refunds flushed
            long commands = redis.stat("total_commands_processed") - before - 1;
            System.out.printf("Redis commands for %d requests on 6 buckets (rpm+tpm global, user, key): %d%n",
                    requests, commands);
            // exact buckets: 2 commands (GET + script) per bucket operation, 6 + 3 refunds per request = 36,000
            assertTrue(commands < requests, commands + " Redis commands for " + requests + " requests");
        }
    }

    @Test
    void aDownOrPausedRedisFailsFastThenLimitsWorkAgainOnceItIsBack() throws Exception {
        ConcurrentLinkedQueue<String> outcomes = new ConcurrentLinkedQueue<>();
        try (RedisServer redis = RedisServer.start();
             RateLimiter closed = RateLimiter.redis(List::of, redis.redisUrl(), false, outcomes::add);
             RateLimiter open = RateLimiter.redis(List::of, redis.redisUrl(), true, outcomes::add)) {
            Caller caller = caller(7, 5, null); // an exact bucket: every request needs Redis
            closed.admit(caller, "chat", 1);
            open.admit(caller, "chat", 1);

            redis.stop();
            long start = System.nanoTime();
            GatewayException refused = assertThrows(GatewayException.class, () -> closed.admit(caller, "chat", 1));
            assertEquals(503, refused.error().status());
            assertEquals("rate_limit_unavailable", refused.error().code());
            open.admit(caller, "chat", 1);
            long downMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(downMillis < RedisBuckets.COMMAND_TIMEOUT.toMillis(), "failed in " + downMillis + " ms");
            assertEquals(List.of("refused", "admitted"), List.copyOf(outcomes));

            redis.restart();
            long back = System.nanoTime();
            while (true) { // Lettuce reconnects within MAX_RECONNECT_DELAY
                try {
                    closed.admit(caller, "chat", 1);
                    break;
                } catch (GatewayException e) {
                    assertTrue(System.nanoTime() - back < TimeUnit.SECONDS.toNanos(10), "limits did not come back");
                    TimeUnit.MILLISECONDS.sleep(50);
                }
            }

            assertEquals("+OK", redis.command("CLIENT", "PAUSE", "6000", "ALL")); // a Redis that does not answer
            start = System.nanoTime();
            GatewayException slow = assertThrows(GatewayException.class, () -> closed.admit(caller, "chat", 1));
            assertEquals("rate_limit_unavailable", slow.error().code());
            long slowMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(slowMillis >= RedisBuckets.COMMAND_TIMEOUT.toMillis() / 2
                    && slowMillis < 2 * RedisBuckets.COMMAND_TIMEOUT.toMillis(), "answered in " + slowMillis + " ms");
        }
    }

    @Test
    void anUnreachableRedisAtStartIsOneClearErrorWithoutThePassword() {
        int port;
        try (RedisServer redis = RedisServer.startWithPassword("s3cret-redis-pw")) {
            port = redis.port();
            IllegalStateException wrong = assertThrows(IllegalStateException.class, () -> new RedisBuckets(
                    io.modelbridge.gateway.config.RedisUrl.parse("redis://:wrong-redis-pw@127.0.0.1:" + port)));
            assertFalse(wrong.getMessage().contains("wrong-redis-pw"), wrong.getMessage());
            try (RedisBuckets right = new RedisBuckets(redis.redisUrl())) {
                assertTrue(right.tryConsume(Limit.of("global", "", Dimension.REQUESTS, 5), 1).isConsumed());
            }
        }
        IllegalStateException down = assertThrows(IllegalStateException.class, () -> new RedisBuckets(
                io.modelbridge.gateway.config.RedisUrl.parse("redis://:s3cret-redis-pw@127.0.0.1:" + port + "/0")));
        assertTrue(down.getMessage().startsWith("The rate-limit store redis://***@127.0.0.1:" + port + "/0 cannot be"
                + " reached"), down.getMessage());
        assertFalse(down.getMessage().contains("s3cret-redis-pw"), down.getMessage());
    }

    private static Caller caller(long keyId, Integer rpm, Integer tpm) {
        return new Caller(new ApiKey(keyId, 3, "alice", true, "mb-abc", null, List.of(), List.of(), null, true,
                rpm, tpm, null, Instant.EPOCH));
    }
}
