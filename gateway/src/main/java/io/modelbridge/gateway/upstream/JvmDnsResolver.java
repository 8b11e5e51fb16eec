package io.modelbridge.gateway.upstream;

import io.helidon.webclient.api.DnsAddressLookup;
import io.helidon.webclient.api.RuntimeUnknownHostException;
import io.helidon.webclient.spi.DnsResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The JVM's resolver, as Helidon's default uses it, but a host that does not resolve fails with its
 * {@link UnknownHostException} kept as the cause: Helidon's default throws a bare IllegalArgumentException, which left
 * {@link TransportFailures} nothing to tell a typo in a base URL's host from any other failure.
 */
final class JvmDnsResolver implements DnsResolver {
    static final JvmDnsResolver INSTANCE = new JvmDnsResolver();

    private JvmDnsResolver() {}

    @Override
    public InetAddress resolveAddress(String hostname, DnsAddressLookup lookup) {
        try {
            InetAddress[] addresses = lookup.filter(InetAddress.getAllByName(hostname));
            if (addresses.length == 0) {
                throw new UnknownHostException(hostname + ": no address of the family " + lookup);
            }
            return addresses[0];
        } catch (UnknownHostException e) {
            throw new RuntimeUnknownHostException(e);
        }
    }
}
