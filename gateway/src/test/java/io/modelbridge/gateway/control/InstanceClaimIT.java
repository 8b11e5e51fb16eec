package io.modelbridge.gateway.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.gateway.cluster.ClusterConflict;
import io.modelbridge.gateway.cluster.InstanceClaim;
import io.modelbridge.gateway.config.ControlConfig;
import io.modelbridge.gateway.config.GatewayConfig;
import io.modelbridge.gateway.it.ApiCalls;
import io.modelbridge.gateway.it.PackagedGateway;
import io.modelbridge.gateway.it.RedisServer;
import io.modelbridge.gateway.it.RunningGateway;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instances on one database refuse to start beside a live instance under the same MB_INSTANCE_ID or on the same data
 * folder, or in another rate-limit mode than the live instances'; an instance killed with kill -9 still starts
 * again under its id: at once from the same data folder, else once its old heartbeat is
 * {@link InstanceClaim#LIVE_WITHIN} old.
 */
@Tag("it")
@Timeout(240)
class InstanceClaimIT {
    /** A start on a loaded machine, after waiting out a killed instance's heartbeat. */
    static final Duration READY_WITHIN = InstanceClaim.LIVE_WITHIN.plusSeconds(90);
    static final UnaryOperator<GatewayConfig> DISTRIBUTED =
            c -> c.withControl(ControlConfig.defaults().withDistributedLimits(true));
    @TempDir
    static Path dirA;
    @TempDir
    static Path dirs;
    static RunningGateway a;

    @BeforeAll
    static void start() {
        a = RunningGateway.start(dirA, withId("alpha", true));
    }

    @AfterAll
    static void stop() {
        a.close();
    }

    static UnaryOperator<GatewayConfig> withId(String id, boolean distributed) {
        return c -> c.withControl(new ControlConfig(distributed, false, 5, Duration.ofSeconds(30),
                java.math.BigDecimal.ONE, 4096, Optional.of(id)));
    }

    @Test
    void aSecondInstanceUnderALiveInstancesIdIsRefused() {
        long start = System.nanoTime();
        ClusterConflict e = assertThrows(ClusterConflict.class, () -> a.sibling(dirs.resolve("twin"),
                withId("alpha", true)));
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("InstanceClaimIT: a twin of a live instance refused after " + millis + " ms: "
                + e.getMessage());
        assertTrue(e.getMessage().startsWith("MB_INSTANCE_ID alpha is in use by a live instance"), e.getMessage());
        assertEquals(200, new ApiCalls(a.api()).get("/readyz", null).statusCode(), "the first one serves on");
    }

    @Test
    void aLocalModeInstanceDoesNotJoinDistributedOnes() {
        ClusterConflict e = assertThrows(ClusterConflict.class, () -> a.sibling(dirs.resolve("local"),
                withId("local-one", false)));
        assertTrue(e.getMessage().startsWith("MB_RATE_LIMITS=local differs from the instances already running"),
                e.getMessage());
        try (RunningGateway same = a.sibling(dirs.resolve("same-mode"), withId("distributed-one", true))) {
            assertEquals(200, new ApiCalls(same.api()).get("/readyz", null).statusCode(), "the same mode joins");
        }
    }

    @Test
    void aRedisModeInstanceDoesNotJoinInstancesKeepingTheirBucketsInPostgres() {
        try (RedisServer redis = RedisServer.start()) {
            ClusterConflict e = assertThrows(ClusterConflict.class, () -> a.sibling(dirs.resolve("redis"),
                    c -> withId("redis-one", true).apply(c).withControl(
                            withId("redis-one", true).apply(c).control().withRedisLimits(redis.redisUrl()))));
            assertTrue(e.getMessage().startsWith("MB_RATE_LIMITS=redis differs from the instances already running"),
                    e.getMessage());
            assertTrue(e.getMessage().contains(" runs distributed)"), e.getMessage());
        }
    }

    @Test
    void aSecondInstanceOnARunningInstancesDataFolderIsRefused() {
        try (RunningGateway first = a.sibling(dirs.resolve("shared"), withId("sharer-1", true))) {
            ClusterConflict e = assertThrows(ClusterConflict.class, () -> a.sibling(dirs.resolve("shared"),
                    withId("sharer-2", true)));
            assertTrue(e.getMessage().contains("is in use by another running gateway"), e.getMessage());
        }
    }

    @Test
    void anInstanceStoppedGracefullyStartsAgainAtOnce() {
        RunningGateway first = a.sibling(dirs.resolve("graceful"), withId("graceful", true));
        first.close();
        long start = System.nanoTime();
        a.sibling(dirs.resolve("graceful"), withId("graceful", true)).close();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < InstanceClaim.LIVE_WITHIN.toMillis() / 2, "no wait for its own released id: " + millis);
    }

    /**
     * The packaged gateway, as ./modelbridge runs it: a second process under a live one's id exits 2 with one line
     * saying why. After kill -9 of the first, the same id starts again from the same data folder within seconds;
     * after kill -9 of that one, from another folder once the old heartbeat is 30 s old; it serves and exits 0.
     */
    @Test
    void aTwinProcessExitsNonZeroAndARestartAfterKillNineSucceeds() throws Exception {
        PackagedGateway first = packaged("beta", dirs.resolve("beta-1"), "first");
        try {
            first.awaitReady(READY_WITHIN);
            PackagedGateway twin = packaged("beta", dirs.resolve("beta-2"), "twin");
            String log;
            try {
                log = twin.assertExits(2, Duration.ofSeconds(60));
            } finally {
                twin.close();
            }
            List<String> why = log.lines().filter(l -> l.contains("MB_INSTANCE_ID beta is in use")).toList();
            assertEquals(1, why.size(), "one line says why: " + log);
            assertFalse(log.contains("\tat "), "no stack trace: " + log);
            System.out.println("InstanceClaimIT: the twin process said: " + why.get(0));

            first.kill(); // kill -9: its heartbeat row stays behind
            long killedAt = System.nanoTime();
            PackagedGateway again = packaged("beta", dirs.resolve("beta-1"), "again");
            try {
                again.awaitReady(READY_WITHIN);
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killedAt);
                System.out.println("InstanceClaimIT: restarted from its data folder " + seconds + " s after kill -9");
                String text = again.logText();
                assertTrue(text.contains("written from this data folder") && text.contains("taking it over"), text);
            } finally {
                again.kill(); // kill -9 again
            }
            killedAt = System.nanoTime();
            PackagedGateway restarted = packaged("beta", dirs.resolve("beta-3"), "restarted");
            try {
                URI api = restarted.awaitReady(READY_WITHIN).api();
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killedAt);
                System.out.println("InstanceClaimIT: restarted from another data folder " + seconds
                        + " s after kill -9");
                assertTrue(seconds <= InstanceClaim.LIVE_WITHIN.toSeconds() + 60, "bounded wait: " + seconds);
                String text = restarted.logText();
                assertTrue(text.contains("taking it over") && !text.contains("written from this data folder"), text);
                assertEquals(200, new ApiCalls(api).get("/readyz", null).statusCode());
                restarted.sigterm();
                restarted.assertExits(0, Duration.ofSeconds(60));
            } finally {
                restarted.close();
            }
        } finally {
            first.close();
        }
    }

    private static PackagedGateway packaged(String id, Path dataDir, String name) throws IOException {
        return PackagedGateway.startJoining("InstanceClaimIT-" + name, a, id, dataDir,
                Map.of("MB_RATE_LIMITS", "distributed", "MB_DRAIN_DELAY_SECONDS", "0"));
    }
}
