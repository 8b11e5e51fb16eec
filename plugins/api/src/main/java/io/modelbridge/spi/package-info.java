/**
 * The ModelBridge plugin SPI: everything a vendor plugin may see of the gateway.
 *
 * <p>A plugin implements {@link io.modelbridge.spi.ProviderAdapter} (a PF4J extension), translates the
 * OpenAI-shaped records of this package into its vendor's protocol and back, and does all I/O through the
 * {@link io.modelbridge.spi.Transport} it is handed in the {@link io.modelbridge.spi.CallContext}. It opens no
 * sockets of its own, so timeouts, pooling, cancellation and metrics live in the gateway.
 *
 * <p>Conventions: record components that mirror optional JSON fields are {@code null} when the client did not
 * send the field; collections are never null (empty instead). Jackson and SLF4J are provided by the host at
 * run time (scope {@code provided}); nothing in this package depends on them.
 */
package io.modelbridge.spi;
