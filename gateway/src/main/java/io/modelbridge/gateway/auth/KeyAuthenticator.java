package io.modelbridge.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import io.modelbridge.db.repo.ApiKey;
import io.modelbridge.db.repo.ApiKeyRepository;
import io.modelbridge.gateway.cache.Caches;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer-key authentication. Keys are looked up by their SHA-256 in a bounded cache (misses too, so a flood of
 * bad keys does not reach the database); the cache is dropped on every key or user change, on this instance at
 * once and on the others through LISTEN/NOTIFY. A lookup that was reading the database while the cache was dropped
 * is not trusted (each carries the generation it started in), so no stale answer outlives a change. Expiry is
 * checked against the clock on every request, and so is the key's client address allow-list.
 *
 * <p>A miss is read by the request's own thread, outside the cache's map (never inside its compute, which holds a
 * ConcurrentHashMap bin lock and pins the carrier thread): concurrent misses of one key share one read, and a slow
 * read holds no lock that another key's lookup waits for. A failed read (database down) is not cached.
 */
public final class KeyAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(KeyAuthenticator.class);
    private final Function<byte[], Optional<ApiKey>> findByHash;
    private final Clock clock;
    private final LastUsedTracker lastUsed;
    private final AtomicLong generation = new AtomicLong();
    private final Cache<ByteBuffer, Lookup> cache = Caches.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofSeconds(30))
            .build();
    /** The reads under way, one per key: later misses of the key wait for it instead of reading again. */
    private final ConcurrentHashMap<ByteBuffer, CompletableFuture<Lookup>> reading = new ConcurrentHashMap<>();

    public KeyAuthenticator(ApiKeyRepository keys, Clock clock, LastUsedTracker lastUsed) {
        this(keys::findByHash, clock, lastUsed);
    }

    /** With the database read given: a test can make one key's read slow. */
    KeyAuthenticator(Function<byte[], Optional<ApiKey>> findByHash, Clock clock, LastUsedTracker lastUsed) {
        this.findByHash = findByHash;
        this.clock = clock;
        this.lastUsed = lastUsed;
    }

    /** A key record with its allowed address ranges parsed once. */
    private record KnownKey(ApiKey record, List<AddressRange> ranges) {}

    /** What the database said about a hash (empty: no such key), and the cache generation the lookup began in. */
    private record Lookup(Optional<KnownKey> key, long generation) {}

    /**
     * The caller for an {@code Authorization} header value sent from {@code client}: 401 in OpenAI's words for a
     * missing, unknown, disabled, revoked or expired key; 403 when the key may not be used from that address.
     */
    public Caller authenticate(Optional<String> authorization, InetAddress client) {
        String secret = authorization.map(String::strip)
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).strip())
                .filter(s -> !s.isEmpty())
                .orElseThrow(() -> new GatewayException(ApiError.invalidApiKey(
                        "You didn't provide an API key. You need to provide your API key in an Authorization header "
                                + "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")));
        KnownKey known = lookup(ByteBuffer.wrap(ApiKeys.hash(secret)))
                .orElseThrow(() -> new GatewayException(ApiError.invalidApiKey(
                        "Incorrect API key provided: " + mask(secret) + ".")));
        ApiKey key = known.record();
        if (!key.enabled() || !key.userEnabled()) {
            throw new GatewayException(ApiError.invalidApiKey("This API key has been revoked or disabled."));
        }
        if (key.expiresAt() != null && !clock.instant().isBefore(key.expiresAt())) {
            throw new GatewayException(ApiError.invalidApiKey("This API key expired at " + key.expiresAt() + "."));
        }
        if (!known.ranges().isEmpty() && known.ranges().stream().noneMatch(r -> r.contains(client))) {
            throw new GatewayException(ApiError.forbidden("ip_not_allowed",
                    "This API key may not be used from the address " + client.getHostAddress() + "."));
        }
        lastUsed.touch(key.id(), clock.instant());
        return new Caller(key);
    }

    public void invalidateAll() {
        generation.incrementAndGet();
        cache.invalidateAll();
    }

    private Optional<KnownKey> lookup(ByteBuffer hash) {
        Lookup found = cachedOrRead(hash);
        for (int i = 0; i < 3 && found.generation() != generation.get(); i++) {
            cache.asMap().remove(hash, found); // began before the last change: ask the database again
            found = cachedOrRead(hash);
        }
        return found.key();
    }

    /** The cached answer, or a read of the database shared with every concurrent miss of the same key. */
    private Lookup cachedOrRead(ByteBuffer hash) {
        Lookup cached = cache.getIfPresent(hash);
        if (cached != null) {
            return cached;
        }
        CompletableFuture<Lookup> mine = new CompletableFuture<>();
        CompletableFuture<Lookup> running = reading.putIfAbsent(hash, mine);
        if (running != null) {
            return await(running);
        }
        try {
            Lookup read = load(hash);
            cache.put(hash, read);
            mine.complete(read);
            return read;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            reading.remove(hash, mine);
        }
    }

    private Lookup load(ByteBuffer hash) {
        long startedIn = generation.get();
        return new Lookup(findByHash.apply(hash.array()).map(this::known), startedIn);
    }

    /** Another thread's read: its answer, or its failure (a database outage) thrown as it was. */
    private static Lookup await(CompletableFuture<Lookup> running) {
        try {
            return running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private KnownKey known(ApiKey key) {
        List<AddressRange> ranges = key.allowedCidrs().stream().flatMap(cidr -> {
            try {
                return java.util.stream.Stream.of(AddressRange.parse(cidr));
            } catch (IllegalArgumentException e) { // the admin API checks them; a bad stored one allows nothing
                LOG.error("API key {} has an unusable allowed address '{}': {}", key.id(), cidr, e.getMessage());
                return java.util.stream.Stream.of(new AddressRange(new byte[0], 0));
            }
        }).toList();
        return new KnownKey(key, ranges);
    }

    /** OpenAI's style: the first and last few characters only. */
    static String mask(String secret) {
        return secret.length() <= 10 ? "***" : secret.substring(0, 6) + "***" + secret.substring(secret.length() - 4);
    }
}
