package io.modelbridge.admin;

import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One real gateway for the whole test JVM (embedded PostgreSQL, the openai plugin jar loaded by PF4J) and one
 * OpenAI simulator as the upstream of its channels. Test classes keep apart by using their own names.
 */
public final class TestGateway {
    private static TestGateway instance;
    public final RunningGateway gateway;
    public final OpenAiSimulator upstream;
    private final Path dataDir;

    private TestGateway() throws IOException {
        dataDir = Files.createTempDirectory("mbctl-test-gateway");
        upstream = OpenAiSimulator.start();
        gateway = RunningGateway.start(dataDir, RunningGateway::exposingRouting);
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "mbctl-test-gateway-stop"));
    }

    public static synchronized TestGateway get() {
        if (instance == null) {
            try {
                instance = new TestGateway();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** {@code host:port} of the admin listener. */
    public String server() {
        return "127.0.0.1:" + gateway.admin().getPort();
    }

    private void stop() {
        gateway.close();
        upstream.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is not worth failing the build for
        }
    }
}
