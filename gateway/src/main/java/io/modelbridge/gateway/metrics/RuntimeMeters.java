package io.modelbridge.gateway.metrics;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.java21.instrument.binder.jdk.VirtualThreadMetrics;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The series operators expect from any JVM service, from Micrometer's binders: memory, GC, threads (virtual threads:
 * pinning and failed submissions, from JFR events), classes, process CPU, open files, uptime, and the HikariCP
 * pool's own meters. {@link #close()} stops the GC listener and the JFR stream.
 */
public final class RuntimeMeters implements AutoCloseable {
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** A JFR stream kept to 5 s and 10 MiB of events (Micrometer's defaults); pinning of 20 ms or more counts. */
    private final VirtualThreadMetrics virtualThreads = new VirtualThreadMetrics();

    private RuntimeMeters() {}

    public static RuntimeMeters bind(MetricRegistry metrics, DataSource pool) {
        MeterRegistry registry = metrics.meterRegistry();
        RuntimeMeters meters = new RuntimeMeters();
        new JvmMemoryMetrics().bindTo(registry);
        meters.gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        meters.virtualThreads.bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        try {
            // hikaricp_connections_{active,idle,pending,max,min,...}{pool="modelbridge-db"}, acquire/usage timers
            pool.unwrap(HikariDataSource.class).setMetricRegistry(registry);
        } catch (SQLException e) {
            throw new IllegalStateException("the database pool is not HikariCP", e);
        }
        return meters;
    }

    @Override
    public void close() {
        gc.close();
        virtualThreads.close();
    }
}
