package io.modelbridge.gateway.it.vendors;

import io.modelbridge.gateway.it.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The set-up every vendor gateway IT shares, as a JUnit extension: before the class, the vendor's simulator and a
 * {@link VendorGateway} in a fresh data folder, then the IT's own channels and aliases; after each test, the
 * simulator's faults cleared; after the class, both closed and the folder deleted. Registered as
 * {@code @RegisterExtension static final VendorGatewayExtension<XSimulator> SETUP = VendorGatewayExtension.of(...)}.
 */
final class VendorGatewayExtension<S extends AutoCloseable>
        implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    private final Supplier<S> start;
    private final Consumer<S> reset;
    private final BiConsumer<S, VendorGateway> setUp;
    private Path dataDir;
    private S simulator;
    private VendorGateway gateway;

    private VendorGatewayExtension(Supplier<S> start, Consumer<S> reset, BiConsumer<S, VendorGateway> setUp) {
        this.start = start;
        this.reset = reset;
        this.setUp = setUp;
    }

    /**
     * @param start  starts the vendor's simulator
     * @param reset  clears its faults between tests
     * @param setUp  the IT's channels and aliases, on the started simulator and gateway
     */
    static <S extends AutoCloseable> VendorGatewayExtension<S> of(Supplier<S> start, Consumer<S> reset,
                                                                 BiConsumer<S, VendorGateway> setUp) {
        return new VendorGatewayExtension<>(start, reset, setUp);
    }

    S simulator() {
        return simulator;
    }

    VendorGateway gateway() {
        return gateway;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dataDir = Files.createTempDirectory("vendor-it-");
        simulator = start.get();
        gateway = new VendorGateway(dataDir);
        setUp.accept(simulator, gateway);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        reset.accept(simulator);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try (S closeSimulator = simulator; VendorGateway closeGateway = gateway) {
            // both closed, the gateway first
        } finally {
            Folders.deleteTree(dataDir);
        }
    }
}
