package io.modelbridge.gateway.deploy;

import io.modelbridge.db.FreePorts;
import io.modelbridge.gateway.it.AdminClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One gateway of the compose file run as its container runs it: the kit's entrypoint.sh over the packaged
 * distribution (gateway/target, laid out as /opt/modelbridge), secrets from files, the service's MB_* variables
 * with only the addresses changed to 127.0.0.1. Restarts keep the data folder and the ports, as a container does.
 */
final class KitGateway {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final String service;
    final int port = FreePorts.belowEphemeralRange();
    final int adminPort = FreePorts.belowEphemeralRange();
    private final Map<String, String> env = new HashMap<>();
    private final Path logs;
    private LocalServer server;
    private int starts;

    /** {@code hosts}: the compose host:port names in the service's URLs and their 127.0.0.1 ports. */
    KitGateway(String service, Map<String, String> composeEnv, Map<String, Integer> hosts, Path secrets,
               Path dataDir, Path logs) {
        this.service = service;
        this.logs = logs;
        composeEnv.forEach((name, value) -> {
            for (var host : hosts.entrySet()) {
                value = value.replace(host.getKey(), "127.0.0.1:" + host.getValue());
            }
            env.put(name, value);
        });
        env.putAll(Map.of("MB_HOST", "127.0.0.1", "MB_PORT", String.valueOf(port), "MB_ADMIN_HOST", "127.0.0.1",
                "MB_ADMIN_PORT", String.valueOf(adminPort), "MB_DATA_DIR", dataDir.toString(),
                "MODELBRIDGE_HOME", Path.of("target").toAbsolutePath().toString(),
                "MODELBRIDGE_SECRETS_DIR", secrets.toString(), "JAVA_HOME", System.getProperty("java.home")));
    }

    void start() {
        starts++;
        // In target/test-logs, where admin-cli's LogSecretScanIT looks for secrets after the build.
        Path log = logs.resolve("DeployTopologyIT-" + service + "-" + starts + ".log");
        server = LocalServer.start(service, List.of("sh", DeployKit.DIR.resolve("entrypoint.sh").toString()), env, log);
    }

    /** Polls /readyz (bounded) until it answers {@code status}. */
    void awaitReadyz(int status, Duration within) {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            if (!server.process().isAlive()) {
                throw new IllegalStateException(service + " exited: " + server.logText());
            }
            try {
                HttpResponse<Void> res = HTTP.send(HttpRequest.newBuilder(api().resolve("/readyz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (res.statusCode() == status) {
                    return;
                }
            } catch (java.io.IOException notListening) {
                // starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            LocalServer.sleep(100);
        }
        throw new IllegalStateException(service + ": /readyz never answered " + status + ": " + server.logText());
    }

    /** SIGTERM, as docker stop and the kubelet send it. */
    void sigterm() {
        server.process().destroy();
    }

    /** SIGTERM (again, harmless while draining); returns the exit status (bounded wait). */
    int stop(Duration within) throws InterruptedException {
        sigterm();
        if (!server.process().waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(service + " did not exit within " + within + ": " + server.logText());
        }
        return server.process().exitValue();
    }

    URI api() {
        return URI.create("http://127.0.0.1:" + port);
    }

    AdminClient admin(String token) {
        return new AdminClient(URI.create("http://127.0.0.1:" + adminPort), token);
    }

    String logText() {
        return server.logText();
    }

    Map<String, String> env() {
        return env;
    }

    void kill() {
        if (server != null) {
            server.close();
        }
    }
}
