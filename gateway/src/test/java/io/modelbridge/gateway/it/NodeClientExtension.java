package io.modelbridge.gateway.it;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The set-up every IT of a Node client shares, as a JUnit extension: before the class, Node and the client's
 * packages (the class is skipped, saying why, when either is missing), then an {@link SdkGateway} in a fresh data
 * folder; after the class, the gateway closed and the folder deleted. Registered as
 * {@code @RegisterExtension static final NodeClientExtension CLIENT = new NodeClientExtension(...)}.
 */
final class NodeClientExtension implements BeforeAllCallback, AfterAllCallback {
    /** Installs the client's packages ({@link NodePackages#installed}) and gives their folder. */
    interface Install {
        Path packages() throws Exception;
    }

    private final String client;
    private final String user;
    private final Install install;
    private Path dataDir;
    private Path packages;
    private SdkGateway gateway;

    /**
     * @param client  the client's name, for the reason a skip gives
     * @param user    the gateway user whose key the client uses
     * @param install installs the client's packages
     */
    NodeClientExtension(String client, String user, Install install) {
        this.client = client;
        this.user = user;
        this.install = install;
    }

    /** The folder holding the client's {@code node_modules} (and its driver, if it has one). */
    Path packages() {
        return packages;
    }

    SdkGateway gateway() {
        return gateway;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        NodePackages.assumeNode(client);
        packages = install.packages();
        dataDir = Files.createTempDirectory("node-client-it-");
        gateway = SdkGateway.start(dataDir, user);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (gateway != null) {
                gateway.close();
            }
        } finally {
            Folders.deleteTree(dataDir);
        }
    }
}
