package io.modelbridge.spi;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A channel's settings as a plugin sees them.
 *
 * @param channel        the channel name (for messages and cache keys)
 * @param baseUrl        the channel's base URL, or an empty string for the vendor's public endpoint
 * @param credential     the decrypted credential, in the provider's {@link ProviderInfo#credentialFormat()}
 * @param connectTimeout connect timeout for calls on this channel
 * @param readTimeout    longest wait for any single read (first byte, next chunk)
 * @param extras         provider-specific options set on the channel
 */
public record ProviderSettings(String channel, String baseUrl, String credential, Duration connectTimeout,
                               Duration readTimeout, Map<String, String> extras) {
    public ProviderSettings {
        extras = Map.copyOf(extras);
    }

    /**
     * The one rule for every vendor: the vendor's documented path is appended to the channel's base URL, or to
     * {@code defaultBase} when the channel has none. A base that already ends with the path's leading segments
     * (for example {@code https://api.openai.com/v1} with path {@code /v1/chat/completions}) is not doubled.
     */
    public URI endpoint(String defaultBase, String path) {
        Endpoint key = new Endpoint(baseUrl, defaultBase, path);
        URI known = ENDPOINTS.get(key);
        if (known == null) {
            known = resolve(defaultBase, path);
            if (ENDPOINTS.size() >= MAX_ENDPOINTS) {
                ENDPOINTS.clear();
            }
            ENDPOINTS.put(key, known);
        }
        return known;
    }

    /** Endpoints already worked out, by channel base, vendor default and path: a call parses no URI. */
    private static final Map<Endpoint, URI> ENDPOINTS = new ConcurrentHashMap<>();
    /** Past this many endpoints the memo starts over (each is cheap to work out again). */
    private static final int MAX_ENDPOINTS = 4096;

    private record Endpoint(String baseUrl, String defaultBase, String path) {}

    private URI resolve(String defaultBase, String path) {
        String base = baseUrl.isBlank() ? defaultBase : baseUrl.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        String rest = path.startsWith("/") ? path : "/" + path;
        int cut = rest.indexOf('/', 1);
        while (cut > 0) {
            String head = rest.substring(0, cut);
            if (base.endsWith(head)) {
                rest = rest.substring(cut);
                break;
            }
            cut = rest.indexOf('/', cut + 1);
        }
        return URI.create(base + rest);
    }
}
