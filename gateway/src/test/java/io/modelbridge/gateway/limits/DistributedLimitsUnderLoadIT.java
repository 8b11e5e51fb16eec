package io.modelbridge.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.modelbridge.db.repo.ApiKey;
import io.modelbridge.gateway.auth.Caller;
import io.modelbridge.gateway.control.SharedGateway;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.it.RunningGateway;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MB_RATE_LIMITS=distributed under load and faults, on real PostgreSQL (the shared control-IT gateway's database)
 * through a real Hikari pool: a busy pool queues bucket operations instead of skipping the limit, and an unreachable
 * database follows MB_RATE_LIMITS_ON_STORE_FAILURE.
 */
@Tag("it")
@Timeout(60)
@Tag("alone")
class DistributedLimitsUnderLoadIT {
    private static final int RPM = 20;
    private static final int REQUESTS = 100;

    @Test
    void aTinyPoolUnderOneHundredConcurrentRequestsAdmitsExactlyTheLimit() throws Exception {
        RunningGateway gw = SharedGateway.get();
        long keyId = ThreadLocalRandom.current().nextLong(1_000_000, Long.MAX_VALUE);
        ConcurrentLinkedQueue<String> storeFailures = new ConcurrentLinkedQueue<>();
        // the production pool's short connection timeout, scaled down, on a pool of two
        try (HikariDataSource pool = pool(gw.gateway().jdbcUrl(), 2);
             RateLimiter limiter = RateLimiter.distributed(List::of, pool, 1, false, storeFailures::add)) {
            AtomicInteger admitted = new AtomicInteger();
            AtomicInteger limited = new AtomicInteger();
            AtomicInteger other = new AtomicInteger();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < REQUESTS; i++) {
                    threads.submit(() -> {
                        try {
                            limiter.admit(caller(keyId), "chat", 10);
                            admitted.incrementAndGet();
                        } catch (GatewayException e) {
                            (e.error().status() == 429 ? limited : other).incrementAndGet();
                        }
                    });
                }
            }
            assertEquals(RPM, admitted.get(), "exactly the key's rpm is admitted, none skipped");
            assertEquals(REQUESTS - RPM, limited.get());
            assertEquals(0, other.get(), "no request refused for a busy pool");
            assertEquals(List.of(), List.copyOf(storeFailures));
        }
    }

    @Test
    void anUnreachableStoreRefusesByDefaultAndAdmitsWhenOpenAndCountsBoth() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String deadUrl = "jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres?connectTimeout=1";
        ConcurrentLinkedQueue<String> storeFailures = new ConcurrentLinkedQueue<>();
        try (HikariDataSource pool = pool(deadUrl, 2);
             RateLimiter closed = RateLimiter.distributed(List::of, pool, 1, false, storeFailures::add);
             RateLimiter open = RateLimiter.distributed(List::of, pool, 1, true, storeFailures::add)) {
            GatewayException refused = assertThrows(GatewayException.class, () -> closed.admit(caller(7), "chat", 10));
            assertEquals(503, refused.error().status());
            assertEquals("rate_limit_unavailable", refused.error().code());
            assertEquals("1", refused.headers().get("Retry-After"));
            assertEquals(List.of("refused"), List.copyOf(storeFailures));

            open.admit(caller(7), "chat", 10);
            assertEquals(List.of("refused", "admitted"), List.copyOf(storeFailures));
        }
    }

    private static HikariDataSource pool(String url, int size) {
        RunningGateway gw = SharedGateway.get();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(gw.gateway().dbUser());
        config.setPassword(gw.gateway().dbPassword());
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(250);
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    private static Caller caller(long keyId) {
        return new Caller(new ApiKey(keyId, 3, "alice", true, "mb-abc", null, List.of(), List.of(), null, true,
                RPM, null, null, Instant.EPOCH));
    }
}
