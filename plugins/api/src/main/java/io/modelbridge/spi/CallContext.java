package io.modelbridge.spi;

import java.time.Clock;
import java.time.Instant;

/**
 * What the gateway hands an adapter for one call.
 *
 * @param settings  the channel's settings (base URL, credential, timeouts)
 * @param transport the only way to reach the vendor
 * @param deadline  when the gateway gives up on this call as a whole
 * @param clock     the time source (token expiry, signatures); tests pin it
 */
public record CallContext(ProviderSettings settings, Transport transport, Instant deadline, Clock clock) {}
