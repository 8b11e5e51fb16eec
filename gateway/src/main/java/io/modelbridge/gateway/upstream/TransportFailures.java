package io.modelbridge.gateway.upstream;

import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderFailure.Kind;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;

/** Turns network exceptions into classified failures whose message names the host, never the query string. */
final class TransportFailures {
    private TransportFailures() {}

    static ProviderException classify(URI uri, Throwable error) {
        if (error instanceof ProviderException pe) {
            return pe;
        }
        String where = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof HttpTimeoutException) {
                return new ProviderException(ProviderFailure.of(Kind.TIMEOUT, "upstream " + where + " timed out"), error);
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return new ProviderException(ProviderFailure.of(Kind.UNAVAILABLE, "upstream " + where
                        + " is unreachable: its host " + uri.getHost() + " could not be resolved"), error);
            }
        }
        return new ProviderException(ProviderFailure.of(Kind.UNAVAILABLE,
                "upstream " + where + " is unreachable (" + rootCause(error).getClass().getSimpleName() + ")"), error);
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
