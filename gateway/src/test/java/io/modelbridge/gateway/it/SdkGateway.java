package io.modelbridge.gateway.it;

import java.nio.file.Path;
import java.util.Map;

/** What the client SDK ITs drive: a gateway with every vendor's simulator behind its alias, and a user's key. */
record SdkGateway(SixVendors vendors, RunningGateway gateway, String key) implements AutoCloseable {

    static SdkGateway start(Path dataDir, String user) {
        SixVendors vendors = SixVendors.start();
        RunningGateway gateway = RunningGateway.start(dataDir);
        vendors.routeOn(gateway);
        return new SdkGateway(vendors, gateway, gateway.userWithKey(user));
    }

    /** The environment the drivers read: the gateway's URL, the key and the model (an alias). */
    Map<String, String> driverEnvironment(String model) {
        return Map.of("MB_BASE_URL", gateway.api().toString(), "MB_KEY", key, "MB_MODEL", model);
    }

    @Override
    public void close() {
        gateway.close();
        vendors.close();
    }
}
