package io.modelbridge.gateway.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.modelbridge.gateway.config.SecretFiles;
import java.util.Optional;
import java.util.regex.Pattern;

/** Request ids: the client's x-request-id when it is a sane token, else a fresh one. */
final class RequestIds {
    static final HeaderName HEADER = HeaderNames.create("x-request-id");
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private RequestIds() {}

    static String from(Optional<String> header) {
        return header.filter(h -> SANE.matcher(h).matches()).orElseGet(() -> "req_" + SecretFiles.randomBase64Url(12));
    }
}
