package io.modelbridge.db;

import java.time.Duration;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.impl.DefaultConnectionProvider;

/**
 * Work on one pooled connection whose reads give up after a short silence instead of the driver's socket timeout
 * (45 s, see {@link Database}): for heartbeats, which other instances judge this one by and which must notice a
 * silent connection (a NAT or firewall dropped the flow) while there is still time to renew on another. The pool puts
 * the connection's own timeout back when it is returned; a connection that timed out is broken and evicted.
 */
public final class ReadTimeout {
    private ReadTimeout() {}

    public static <T> T within(DSLContext dsl, Duration timeout, Function<DSLContext, T> work) {
        return dsl.connectionResult(connection -> {
            connection.setNetworkTimeout(Runnable::run, Math.toIntExact(timeout.toMillis()));
            return work.apply(dsl.configuration().derive(new DefaultConnectionProvider(connection)).dsl());
        });
    }
}
