package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.training.AotTraining;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up cache's training run ({@code modelbridge-gateway.jar --aot-training}, what ./modelbridge runs once per
 * build on a JDK 25) in its own JVM, with an operator's environment pointing at a real gateway's database and data
 * folder, whose channels lead to a simulator: the training uses none of it.
 */
@Tag("it")
public class AotTrainingIT {
    /** A tenth of the real training: the tests check what the training touches, not how well it trains. */
    public static final int TRAINING_REQUESTS = 2_000;
    /** The training's last line: answers, deliberate 401s and failures. */
    public static final Pattern TRAINED = Pattern.compile(
            "Start-up cache training: (\\d+) answers, (\\d+) deliberate 401s, (\\d+) failures");
    /**
     * Counts that only a leak could change (the operator's gateway gets no more traffic), and two that its own lease
     * housekeeping may: leases held by another instance, ledger rows of a request with no usage row.
     */
    private static final List<String> COUNTS = List.of("users", "api_keys", "channels", "model_aliases",
            "alias_targets", "usage_log", "rate_limits", "model_prices", "audit_log", "settings", "rate_limit_buckets",
            "quota_leases where instance_id <> '%s'",
            "quota_ledger where request_id is not null and request_id not in (select request_id from usage_log)");

    @TempDir
    Path dir;

    @Test
    void theTrainingLeavesNoRowInTheOperatorsDatabaseNeverCallsItsUpstreamAndWritesTheCache() throws Exception {
        try (OneChannelGateway operator = OneChannelGateway.start(dir.resolve("operator"))) {
            RunningGateway gateway = operator.gateway();
            // The alias the training routes to exists here too, on the operator's upstream: a leak would reach it.
            ObjectNode alias = JSON.createObjectNode();
            alias.putArray("targets").addObject().put("channel", "sim").put("model", "gpt-4o");
            gateway.admin("PUT", "/aliases/training", alias);
            String key = gateway.userWithKey("alice");
            var served = operator.api().chatOk(key, ApiCalls.chat("smart", "hi", false));
            UsageRows.find(gateway, served.headers().firstValue("x-request-id").orElseThrow()); // written, not queued
            Map<String, Long> before = rowCounts(gateway);
            int upstreamCallsBefore = operator.upstream().requests().size();
            // a temporary folder of its own: a training in another test JVM (the launcher's) comes and goes in /tmp
            Path temp = Files.createDirectories(dir.resolve("tmp"));

            Path cache = dir.resolve("aot").resolve("modelbridge.aot");
            Files.createDirectories(cache.getParent());
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            boolean aot = Runtime.version().feature() >= 25;
            if (aot) {
                command.add("-XX:AOTCacheOutput=" + cache);
            }
            command.addAll(List.of("-Djava.io.tmpdir=" + temp,
                    "-D" + AotTraining.REQUESTS_PROPERTY + "=" + TRAINING_REQUESTS,
                    "-jar", Path.of("target", "modelbridge-gateway.jar").toAbsolutePath().toString(),
                    "--aot-training", Path.of("target", "plugins").toAbsolutePath().toString()));
            Path log = Files.createDirectories(Path.of("target", "test-logs")).resolve("aot-training.log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = new LinkedHashMap<>(Map.of(
                    "MB_DB_URL", gateway.gateway().jdbcUrl(), "MB_DB_USER", gateway.gateway().dbUser(),
                    "MB_DB_PASSWORD", gateway.gateway().dbPassword(), "MB_DATA_DIR", gateway.dataDir.toString(),
                    "MB_PLUGINS_DIR", gateway.dataDir.resolve("plugins").toString(),
                    "MB_ADMIN_TOKEN", RunningGateway.ADMIN_TOKEN, "MB_PORT", "0", "MB_ADMIN_PORT", "0"));
            builder.environment().putAll(env);
            Process training = builder.start();
            assertTrue(training.waitFor(8, TimeUnit.MINUTES), "the training ran over 8 minutes");
            String output = Files.readString(log);
            assertEquals(0, training.exitValue(), output);

            Matcher trained = TRAINED.matcher(output);
            assertTrue(trained.find(), output);
            assertEquals(TRAINING_REQUESTS, Integer.parseInt(trained.group(1)) + Integer.parseInt(trained.group(2)),
                    "answers and deliberate 401s");
            assertEquals("0", trained.group(3), "failures");
            assertEquals(upstreamCallsBefore, operator.upstream().requests().size(), "calls to the operator's upstream");
            assertEquals(before, rowCounts(gateway), "rows of the operator's database");
            assertEquals(List.of(), trainingFolders(temp), "the training's data folder is left behind");
            if (aot) {
                assertTrue(Files.size(cache) > 10_000_000, "the cache was written: " + Files.size(cache) + " bytes");
            }
            assertEquals(200, operator.api().post("/v1/chat/completions", key, ApiCalls.chat("smart", "hi", false))
                    .statusCode(), "the operator's gateway still serves");
        }
    }

    private static Map<String, Long> rowCounts(RunningGateway gateway) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(gateway.gateway().jdbcUrl(), gateway.gateway().dbUser(),
                gateway.gateway().dbPassword())) {
            for (String table : COUNTS) {
                String rows = table.formatted(gateway.gateway().instanceId());
                try (ResultSet rs = c.createStatement().executeQuery("select count(*) from " + rows)) {
                    rs.next();
                    counts.put(rows, rs.getLong(1));
                }
            }
        }
        return counts;
    }

    private static List<Path> trainingFolders(Path temp) throws IOException {
        try (Stream<Path> files = Files.list(temp)) {
            return files.filter(p -> p.getFileName().toString().startsWith("modelbridge-aot-training")).sorted().toList();
        }
    }
}
