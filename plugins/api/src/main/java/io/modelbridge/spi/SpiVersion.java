package io.modelbridge.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this SPI. Plugins declare the range they were built for in {@code Plugin-Requires}. */
public final class SpiVersion {
    /** Semantic version; the major part changes only with an incompatible change of this package. */
    public static final String CURRENT = read();

    private SpiVersion() {}

    private static String read() {
        try (InputStream in = SpiVersion.class.getResourceAsStream("spi-version.properties")) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException | NullPointerException e) {
            throw new UncheckedIOException(new IOException("spi-version.properties missing from the SPI jar", e));
        }
    }
}
