package io.modelbridge.gateway.limits;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.modelbridge.gateway.config.RedisUrl;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Buckets in Redis ({@code MB_RATE_LIMITS=redis://...}), shared by every instance that names the same Redis, through
 * Bucket4j's Lettuce integration (compare-and-swap: a GET and a Lua script per store operation; how often a request
 * needs one is {@link SharedBuckets}'s). One Lettuce connection per instance, which pipelines every virtual thread's
 * commands. Keys are {@code mb:rl:<bucket>} and expire in Redis a minute after their bucket would be full again.
 *
 * <p>A down or slow Redis never holds a request for long: connecting gives up after {@link #CONNECT_TIMEOUT}, a store
 * operation (with its compare-and-swap retries) after {@link #COMMAND_TIMEOUT} (the database pool's connection
 * timeout too; shorter ones failed requests on a loaded 2-core machine), and while the connection is down commands
 * fail at once (Lettuce reconnects in the background, at least every {@link #MAX_RECONNECT_DELAY}); the failure goes
 * to MB_RATE_LIMITS_ON_STORE_FAILURE like a down database.
 */
final class RedisBuckets implements BucketStore {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    private static final String KEY_PREFIX = "mb:rl:";

    static {
        // Netty (under Lettuce) would use sun.misc.Unsafe, which JDK 24+ warns about on stderr at every start; one
        // connection needs none of its speed.
        if (System.getProperty("io.netty.noUnsafe") == null) {
            System.setProperty("io.netty.noUnsafe", "true");
        }
    }
    /** Lettuce's reconnect back-off, capped low so limits work again soon after Redis is back. */
    static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final SharedBuckets shared;

    /** @throws IllegalStateException when Redis cannot be reached at start (the message has no password) */
    RedisBuckets(RedisUrl url) {
        this.resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri(url));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        try {
            this.connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw new IllegalStateException("The rate-limit store " + url + " cannot be reached: " + e.getMessage(), e);
        }
        this.shared = new SharedBuckets(Bucket4jLettuce.casBasedBuilder(connection)
                .requestTimeout(COMMAND_TIMEOUT)
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build(), SharedBuckets.REDIS_MAX_UNSYNCED_TIME);
    }

    private static RedisURI uri(RedisUrl url) {
        RedisURI.Builder uri = RedisURI.builder()
                .withHost(url.host())
                .withPort(url.port())
                .withDatabase(url.database())
                .withSsl(url.tls())
                .withTimeout(COMMAND_TIMEOUT);
        url.password().ifPresent(password -> {
            if (url.user().isPresent()) {
                uri.withAuthentication(url.user().get(), password);
            } else {
                uri.withPassword(password.toCharArray());
            }
        });
        return uri.build();
    }

    @Override
    public ConsumptionProbe tryConsume(Limit limit, long tokens) {
        return shared.tryConsume(prefixed(limit), tokens);
    }

    @Override
    public void refund(Limit limit, long tokens) {
        shared.refund(prefixed(limit), tokens);
    }

    @Override
    public void forceConsume(Limit limit, long tokens) {
        shared.forceConsume(prefixed(limit), tokens);
    }

    private static Limit prefixed(Limit limit) {
        return new Limit(limit.scope(), KEY_PREFIX + limit.bucketKey(), limit.dimension(), limit.perMinute());
    }

    @Override
    public void close() {
        shared.close();
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
