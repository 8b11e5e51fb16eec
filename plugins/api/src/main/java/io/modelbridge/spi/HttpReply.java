package io.modelbridge.spi;

import java.io.InputStream;
import java.util.Optional;

/**
 * A vendor's HTTP answer, its body not yet read. Always close it (try-with-resources): closing early cancels the
 * upstream call, which is how a client's disconnect stops the vendor's generation.
 */
public interface HttpReply extends AutoCloseable {

    int status();

    /** The first value of a header, matched case-insensitively. */
    Optional<String> header(String name);

    /** The body as it arrives; reads block and fail with a {@code TIMEOUT} ProviderException past the read timeout. */
    InputStream body();

    /** The whole body as UTF-8 text. */
    String bodyText();

    @Override
    void close();
}
