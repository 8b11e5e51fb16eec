package io.modelbridge.gateway.upstream;

import java.net.URI;
import java.util.Locale;

/** Where a connection goes: the pool's key. {@code host} is the URI's (an IPv6 literal keeps its brackets). */
record Origin(boolean tls, String host, int port) {

    static Origin of(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = switch (scheme) {
            case "https" -> true;
            case "http" -> false;
            default -> throw new IllegalArgumentException("not an http(s) URL: scheme " + scheme);
        };
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("an upstream URL without a host");
        }
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        return new Origin(tls, uri.getHost(), port);
    }

    /** The Host header's value: the port only when it is not the scheme's default. */
    String authority() {
        return port == (tls ? 443 : 80) ? host : host + ":" + port;
    }

    /** The host as a name to resolve or verify: an IPv6 literal without its brackets. */
    String bareHost() {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
