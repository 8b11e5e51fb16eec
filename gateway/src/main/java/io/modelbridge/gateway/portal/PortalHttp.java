package io.modelbridge.gateway.portal;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reading forms and writing pages, the same way for every portal route. */
final class PortalHttp {
    private static final Pattern SANE_HOST =
            Pattern.compile("[A-Za-z0-9.\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?");
    private static final String CSP = "default-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";

    private PortalHttp() {}

    static void page(ServerResponse res, int status, String html) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header("Content-Security-Policy", CSP);
        res.header("X-Content-Type-Options", "nosniff");
        res.header("Referrer-Policy", "same-origin");
        res.header("X-Frame-Options", "DENY");
        res.send(html.getBytes(StandardCharsets.UTF_8));
    }

    /** 303 See Other: after a POST, the browser GETs the target. */
    static void redirect(ServerResponse res, String path) {
        res.status(Status.SEE_OTHER_303);
        res.header(HeaderNames.LOCATION, path);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send();
    }

    /** The posted form, or empty when the body is too large or not a form. */
    static Optional<Form> form(ServerRequest req) {
        if (req.headers().contentLength().orElse(0) > Form.MAX_BYTES) {
            return Optional.empty();
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes(Form.MAX_BYTES + 1);
            return body.length > Form.MAX_BYTES ? Optional.empty()
                    : Optional.of(Form.parse(new String(body, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static String clientAddress(ServerRequest req) {
        return req.remotePeer().address() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : "unknown";
    }

    /** The gateway's address for links and snippets: MB_PUBLIC_URL, else what the browser used to reach us. */
    static String base(ServerRequest req, Optional<URI> publicUrl) {
        if (publicUrl.isPresent()) {
            return publicUrl.get().toString();
        }
        String host = req.headers().first(HeaderNames.HOST).filter(h -> SANE_HOST.matcher(h).matches())
                .orElse("127.0.0.1");
        return (req.isSecure() ? "https://" : "http://") + host;
    }

    /** A page's address for one email address ({@code ?email=}), as forms, redirects and mails link to it. */
    static String withEmail(String path, String email) {
        return email.isEmpty() ? path : path + "?email=" + URLEncoder.encode(email, StandardCharsets.UTF_8);
    }

    static String query(ServerRequest req, String name) {
        return req.query().first(name).asOptional().map(String::strip).orElse("");
    }
}
