package io.modelbridge.provider.ernie;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.HttpCall;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.ProviderException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Access tokens from ERNIE's OAuth endpoint ({@code POST /oauth/2.0/token?grant_type=client_credentials&client_id=
 * <API Key>&client_secret=<Secret Key>}), cached per token endpoint and credential. One fetch at a time per key:
 * concurrent callers wait for the fetch in flight instead of starting their own. A token is refreshed before it
 * expires; if that refresh fails while the old token is still valid, the old one is used.
 */
final class ErnieTokenSource {
    /** Bound on cached keys; stale ones are dropped when it is reached (a credential change leaves one behind). */
    private static final int MAX_KEYS = 256;

    private final ConcurrentHashMap<Key, Slot> slots = new ConcurrentHashMap<>();

    /** A valid token for this channel's credential, fetching one if none is cached or the cached one is due. */
    AccessToken token(CallContext ctx, ErnieCredential credential) {
        Key key = key(ctx, credential);
        Instant now = ctx.clock().instant();
        Slot slot = slot(key, now);
        AccessToken cached = slot.token;
        if (cached != null && cached.freshAt(now)) {
            return cached;
        }
        try {
            return slot.fetchOnce(now, () -> fetch(ctx, credential, key.endpoint()));
        } catch (ProviderException e) {
            if (cached != null && cached.usableAt(ctx.clock().instant())) {
                return cached;
            }
            throw e;
        }
    }

    /** The vendor refused {@code token} (error 110/111): forget it, unless a newer token has replaced it already. */
    void rejected(CallContext ctx, ErnieCredential credential, AccessToken token) {
        Slot slot = slots.get(key(ctx, credential));
        if (slot != null) {
            slot.forget(token);
        }
    }

    private Slot slot(Key key, Instant now) {
        Slot slot = slots.get(key);
        if (slot != null) {
            return slot;
        }
        if (slots.size() >= MAX_KEYS) {
            slots.values().removeIf(s -> s.idle(now));
        }
        return slots.computeIfAbsent(key, k -> new Slot());
    }

    private static AccessToken fetch(CallContext ctx, ErnieCredential credential, URI endpoint) {
        URI uri = URI.create(endpoint + "?grant_type=client_credentials&client_id=" + encode(credential.apiKey())
                + "&client_secret=" + encode(credential.secretKey()));
        HttpCall call = new HttpCall("POST", uri, Map.of("Content-Type", "application/json",
                "Accept", "application/json"), new byte[0]);
        Instant sent = ctx.clock().instant();
        try (HttpReply reply = ctx.transport().send(call)) {
            String body = reply.bodyText();
            Optional<JsonNode> json = ErnieJson.object(body);
            if (json.isEmpty()) {
                throw ErnieErrors.withoutBody(reply.status(), body, ErnieErrors.retryAfter(reply.header("Retry-After")));
            }
            JsonNode answer = json.get();
            if (answer.hasNonNull("error")) {
                throw ErnieErrors.oauth(answer, reply.status(), credential);
            }
            if (ErnieErrors.code(answer).isPresent()) {
                throw ErnieErrors.fromBody(answer, reply.status(), credential, null);
            }
            String value = ErnieJson.text(answer, "access_token");
            long expiresIn = answer.path("expires_in").asLong(0);
            if (value == null || value.isBlank() || expiresIn <= 0) {
                throw ErnieErrors.protocol("ERNIE's token endpoint answered without access_token and expires_in");
            }
            return new AccessToken(value, sent, sent.plusSeconds(expiresIn));
        }
    }

    private static Key key(CallContext ctx, ErnieCredential credential) {
        URI endpoint = ctx.settings().endpoint(ErnieEndpoints.DEFAULT_BASE_URL, ErnieEndpoints.TOKEN_PATH);
        return new Key(endpoint, digest(credential.apiKey() + "|" + credential.secretKey()));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The cache key holds a digest of the credential, never the credential itself. */
    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    private record Key(URI endpoint, String credentialDigest) {}

    /** A fetch that may fail with a classified ProviderException. */
    @FunctionalInterface
    private interface Fetch {
        AccessToken run();
    }

    /** The token of one key and the fetch in flight for it, if any. */
    private static final class Slot {
        private final ReentrantLock lock = new ReentrantLock();
        private volatile AccessToken token;
        private CompletableFuture<AccessToken> inFlight;

        /** Joins the fetch in flight, or runs one; a token that became fresh meanwhile is returned as is. */
        AccessToken fetchOnce(Instant now, Fetch fetch) {
            CompletableFuture<AccessToken> result;
            boolean mine = false;
            lock.lock();
            try {
                AccessToken current = token;
                if (current != null && current.freshAt(now)) {
                    return current;
                }
                if (inFlight == null) {
                    inFlight = new CompletableFuture<>();
                    mine = true;
                }
                result = inFlight;
            } finally {
                lock.unlock();
            }
            if (mine) {
                run(fetch, result);
            }
            try {
                return result.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof ProviderException p) {
                    throw new ProviderException(p.failure(), p);
                }
                throw e;
            }
        }

        private void run(Fetch fetch, CompletableFuture<AccessToken> result) {
            try {
                AccessToken fetched = fetch.run();
                token = fetched;
                result.complete(fetched);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            } finally {
                lock.lock();
                try {
                    inFlight = null;
                } finally {
                    lock.unlock();
                }
            }
        }

        void forget(AccessToken rejected) {
            lock.lock();
            try {
                if (token != null && token.value().equals(rejected.value())) {
                    token = null;
                }
            } finally {
                lock.unlock();
            }
        }

        /** No fetch in flight and no token the vendor would still accept. */
        boolean idle(Instant now) {
            lock.lock();
            try {
                return inFlight == null && (token == null || !token.usableAt(now));
            } finally {
                lock.unlock();
            }
        }
    }
}
