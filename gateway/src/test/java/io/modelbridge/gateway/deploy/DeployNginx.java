package io.modelbridge.gateway.deploy;

import io.modelbridge.db.FreePorts;
import io.modelbridge.gateway.it.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The kit's nginx.conf run by Debian's nginx as a foreground process with its own prefix, pid file and temp folders,
 * on 127.0.0.1 and an ephemeral port, in front of gateways on 127.0.0.1: only the addresses change.
 */
record DeployNginx(int port, LocalServer server, Path prefix) implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/nginx");

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** {@code upstreams}: compose service name (as nginx.conf names it) to the port its gateway listens on. */
    static DeployNginx start(Map<String, Integer> upstreams, Path logs) throws IOException {
        Path prefix = Files.createTempDirectory("mb-deploy-nginx"); // workers run as nobody when we are root
        Files.setPosixFilePermissions(prefix, PosixFilePermissions.fromString("rwxr-xr-x"));
        int port = FreePorts.belowEphemeralRange();
        String conf = DeployKit.text(DeployKit.DIR.resolve("nginx.conf"));
        conf = replaceOnce(conf, "listen 8080;", "listen 127.0.0.1:" + port + ";");
        for (var upstream : upstreams.entrySet()) {
            conf = replaceOnce(conf, "server " + upstream.getKey() + ":8080 ",
                    "server 127.0.0.1:" + upstream.getValue() + " ");
        }
        String temp = "";
        for (String kind : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
            temp += "    " + kind + "_temp_path " + prefix.resolve(kind + "_temp") + ";\n";
        }
        conf = replaceOnce(conf, "http {\n", "http {\n" + temp);
        Path file = Files.writeString(prefix.resolve("nginx.conf"), conf);
        LocalServer server = LocalServer.start("nginx", List.of(BINARY.toString(), "-p", prefix + "/", "-c",
                file.toString(), "-e", "stderr", "-g", "daemon off; pid " + prefix.resolve("nginx.pid") + ";"),
                Map.of(), logs.resolve("nginx.log"));
        try {
            server.awaitPort(port, Duration.ofSeconds(15));
            return new DeployNginx(port, server, prefix);
        } catch (RuntimeException e) {
            server.close();
            Folders.deleteTree(prefix);
            throw e;
        }
    }

    private static String replaceOnce(String text, String what, String with) {
        if (!text.contains(what)) {
            throw new IllegalStateException("the kit's nginx.conf no longer has '" + what.strip() + "'");
        }
        return text.replace(what, with);
    }

    @Override
    public void close() {
        server.close();
        Folders.deleteTree(prefix);
    }
}
