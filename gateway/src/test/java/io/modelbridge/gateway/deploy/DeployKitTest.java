package io.modelbridge.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.gateway.config.GatewayConfig;
import io.modelbridge.gateway.config.SecretFiles;
import io.modelbridge.gateway.config.WarmupConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deploy kit (scripts/deploy) agrees with the code: every MB_* variable it sets is one the gateway reads and the
 * README documents, its values are accepted, ports and probe paths are the gateway's, and every stop lasts long
 * enough for the drain. No container engine runs here; DeployTopologyIT runs the compose topology as processes.
 */
class DeployKitTest {
    private static final Pattern MB_VARIABLE = Pattern.compile("\\bMB_[A-Z0-9_]+\\b");
    @TempDir
    Path dataDir;

    @Test
    void everyMbVariableTheKitSetsIsReadByTheGatewayAndDocumentedInTheReadme() {
        Set<String> set = new TreeSet<>();
        DeployKit.gatewayServices().values().forEach(env -> set.addAll(env.keySet()));
        set.addAll(configMap().keySet());
        for (JsonNode env : container().get("env")) {
            set.add(env.get("name").asText());
        }
        set.addAll(mbVariables(String.join("\n", DeployKit.lines(DeployKit.DIR.resolve("Dockerfile")))));
        set.addAll(mbVariables(String.join("\n", DeployKit.lines(DeployKit.DIR.resolve("entrypoint.sh")))));
        assertTrue(set.containsAll(List.of("MB_INSTANCE_ID", "MB_DB_URL", "MB_DRAIN_DELAY_SECONDS", "MB_MASTER_KEY",
                "MB_ADMIN_TOKEN")), "the kit was read: " + set);

        Set<String> documented = readmeConfigurationTable();
        Set<String> read = readByTheGateway();
        Set<String> undocumented = new TreeSet<>(set);
        undocumented.removeAll(documented);
        assertTrue(undocumented.isEmpty(), "set by the kit but not in README's configuration table: " + undocumented);
        Set<String> unread = new TreeSet<>(set);
        unread.removeAll(read);
        assertTrue(unread.isEmpty(), "set by the kit but read nowhere in the gateway: " + unread);
    }

    @Test
    void theGatewaySettingsOfComposeAndTheConfigMapAreAcceptedAndUseTheImagesPorts() {
        Map<String, Map<String, String>> gateways = DeployKit.gatewayServices();
        assertTrue(gateways.size() >= 2, "two or more gateways: " + gateways.keySet());
        assertEquals(gateways.size(), gateways.values().stream().map(e -> e.get("MB_INSTANCE_ID")).distinct().count(),
                "distinct MB_INSTANCE_ID: " + gateways);
        assertEquals(1, gateways.values().stream().map(e -> e.get("MB_RATE_LIMITS")).distinct().count(),
                "one rate-limit mode on every gateway (a mixed cluster is refused at start)");
        assertEquals(1, gateways.values().stream().map(e -> e.get("MB_DB_URL")).distinct().count(), "one database");

        List<String> docker = DeployKit.lines(DeployKit.DIR.resolve("Dockerfile"));
        Set<Integer> exposed = new HashSet<>();
        docker.stream().filter(l -> l.startsWith("EXPOSE ")).forEach(l -> {
            for (String port : l.substring("EXPOSE ".length()).split("\\s+")) {
                exposed.add(Integer.parseInt(port));
            }
        });
        String nginx = String.join("\n", DeployKit.lines(DeployKit.DIR.resolve("nginx.conf")));
        for (var gateway : gateways.entrySet()) {
            GatewayConfig config = accepted(gateway.getValue());
            assertTrue(exposed.contains(config.port()) && exposed.contains(config.adminPort()),
                    gateway.getKey() + " listens on ports the image exposes: " + exposed);
            assertTrue(nginx.contains("server " + gateway.getKey() + ":" + config.port() + " "),
                    "nginx sends to " + gateway.getKey() + " on its API port " + config.port());
            JsonNode service = DeployKit.compose().at("/services/" + gateway.getKey());
            List<String> secrets = new ArrayList<>();
            service.get("secrets").forEach(s -> secrets.add(s.asText()));
            assertTrue(secrets.containsAll(List.of("mb_admin_token", "mb_master_key", "mb_db_password")),
                    gateway.getKey() + " gets the secrets the entry point reads: " + secrets);
        }

        GatewayConfig pod = accepted(configMap());
        Map<String, Integer> containerPorts = new HashMap<>();
        container().get("ports").forEach(p -> containerPorts.put(p.get("name").asText(), p.get("containerPort").asInt()));
        assertEquals(Map.of("api", pod.port(), "admin", pod.adminPort()), containerPorts);
        assertTrue(exposed.containsAll(containerPorts.values()), "the pod's ports are the image's: " + exposed);
        for (JsonNode service : DeployKit.yaml(DeployKit.DIR.resolve("k8s/service.yaml"))) {
            assertEquals(DeployKit.k8s("deployment.yaml").at("/spec/template/metadata/labels"),
                    service.at("/spec/selector"), "the Service selects the gateway pods");
            for (JsonNode port : service.at("/spec/ports")) {
                assertTrue(containerPorts.containsKey(port.get("targetPort").asText()), port.toString());
            }
        }
    }

    @Test
    void probesAndTheHealthcheckAskTheGatewaysHealthAndReadinessPaths() {
        String routes = DeployKit.text(DeployKit.REPO.resolve(
                "gateway/src/main/java/io/modelbridge/gateway/http/OpenAiRoutes.java"));
        assertTrue(routes.contains(".get(\"/healthz\"") && routes.contains(".get(\"/readyz\""),
                "the public listener serves /healthz and /readyz");
        JsonNode container = container();
        assertEquals("/readyz", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals("api", container.at("/readinessProbe/httpGet/port").asText());
        assertEquals("/healthz", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("api", container.at("/livenessProbe/httpGet/port").asText());
        assertEquals("/healthz", container.at("/startupProbe/httpGet/path").asText());
        String healthcheck = DeployKit.lines(DeployKit.DIR.resolve("Dockerfile")).stream()
                .filter(l -> l.startsWith("CMD curl")).findFirst().orElseThrow();
        assertTrue(healthcheck.contains("${MB_PORT:-8080}/healthz"), healthcheck);
    }

    @Test
    void aPodStopWaitsOutThePreStopSleepTheDrainDelayAndTheDrain() {
        GatewayConfig pod = accepted(configMap());
        long drainDelay = pod.listener().drainDelay().toSeconds();
        long drain = pod.drainGrace().toSeconds();
        JsonNode container = container();
        JsonNode preStop = container.at("/lifecycle/preStop/exec/command");
        assertEquals("sleep", preStop.get(0).asText());
        long sleep = preStop.get(1).asLong();
        assertTrue(sleep >= drainDelay, "preStop sleep " + sleep + " s >= MB_DRAIN_DELAY_SECONDS " + drainDelay);
        long grace = DeployKit.k8s("deployment.yaml").at("/spec/template/spec/terminationGracePeriodSeconds").asLong();
        assertTrue(grace >= sleep + drainDelay + drain + 5, "terminationGracePeriodSeconds " + grace
                + " >= preStop " + sleep + " + drain delay " + drainDelay + " + drain " + drain + " + 5 s of final writes");
        JsonNode readiness = container.get("readinessProbe");
        long notReadyAfter = readiness.get("periodSeconds").asLong() * readiness.get("failureThreshold").asLong();
        assertTrue(drainDelay >= notReadyAfter, "the readiness probe fails within the drain delay: " + notReadyAfter);

        JsonNode spec = DeployKit.k8s("deployment.yaml").get("spec");
        assertTrue(spec.get("replicas").asInt() >= 2);
        assertEquals("RollingUpdate", spec.at("/strategy/type").asText());
        assertEquals(0, spec.at("/strategy/rollingUpdate/maxUnavailable").asInt());
        assertEquals(10001, spec.at("/template/spec/securityContext/runAsUser").asInt());
        assertTrue(spec.at("/template/spec/securityContext/runAsNonRoot").asBoolean());
    }

    @Test
    void aComposeStopWaitsOutTheDrainDelayAndTheDrain() {
        for (var gateway : DeployKit.gatewayServices().entrySet()) {
            GatewayConfig config = accepted(gateway.getValue());
            String period = DeployKit.compose().at("/services/" + gateway.getKey() + "/stop_grace_period").asText();
            assertTrue(period.matches("\\d+s"), gateway.getKey() + " stop_grace_period in seconds: " + period);
            long grace = Long.parseLong(period.substring(0, period.length() - 1));
            long needed = config.listener().drainDelay().toSeconds() + config.drainGrace().toSeconds() + 5;
            assertTrue(grace >= needed, gateway.getKey() + " stop_grace_period " + grace + " s >= " + needed + " s");
        }
    }

    /** Nothing listens during the warm-up: the probes that wait for a start must allow for it and a minute more. */
    @Test
    void theWarmUpBeforeReadyFitsInTheStartupProbesAllowance() {
        Duration podWarmup = WarmupConfig.fromEnvironment(configMap()).length();
        assertTrue(podWarmup.toSeconds() >= 10, "the pods warm up before ready: " + podWarmup);
        JsonNode startup = container().get("startupProbe");
        long allowed = startup.get("periodSeconds").asLong() * startup.get("failureThreshold").asLong();
        assertTrue(allowed >= podWarmup.toSeconds() + 60, "startupProbe allows " + allowed + " s for " + podWarmup);
        Matcher startPeriod = Pattern.compile("--start-period=(\\d+)s")
                .matcher(DeployKit.text(DeployKit.DIR.resolve("Dockerfile")));
        assertTrue(startPeriod.find(), "the image's HEALTHCHECK has a start period");
        for (var gateway : DeployKit.gatewayServices().entrySet()) {
            Duration warmup = WarmupConfig.fromEnvironment(gateway.getValue()).length();
            assertTrue(Long.parseLong(startPeriod.group(1)) >= warmup.toSeconds() + 30,
                    gateway.getKey() + ": HEALTHCHECK start period for a warm-up of " + warmup);
        }
    }

    @Test
    void composeRunsPostgres15AndNginxFailsOverOnErrorsAndDrainRefusals() {
        assertEquals("postgres:15", DeployKit.compose().at("/services/postgres/image").asText());
        assertTrue(DeployKit.compose().at("/services/nginx/volumes/0").asText()
                .startsWith("./nginx.conf:/etc/nginx/nginx.conf"));
        List<String> nginx = DeployKit.lines(DeployKit.DIR.resolve("nginx.conf"));
        String next = nginx.stream().filter(l -> l.startsWith("proxy_next_upstream ")).findFirst().orElseThrow();
        for (String when : List.of("error", "timeout", "http_502", "http_503", "non_idempotent")) {
            assertTrue(next.contains(" " + when), "nginx retries on " + when + ": " + next);
        }
        assertTrue(nginx.contains("proxy_buffering off;"), "streams are not held back by nginx");
        assertFalse(nginx.stream().anyMatch(l -> l.startsWith("daemon") || l.startsWith("pid ") || l.startsWith("user ")),
                "the image (and DeployTopologyIT) decide daemon, pid file and user");
    }

    @Test
    void theImageIsTemurinsJreRunAsAnotherUserWithTheDataFolderAsAVolume() {
        List<String> docker = DeployKit.lines(DeployKit.DIR.resolve("Dockerfile"));
        List<String> from = docker.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertTrue(from.getLast().matches("FROM eclipse-temurin:(21|25)-jre"), from.getLast());
        String user = docker.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
        assertFalse(user.matches("USER (root|0)(:.*)?"), user);
        String dockerText = String.join("\n", docker);
        Matcher dataDir = Pattern.compile("MB_DATA_DIR=(\\S+)").matcher(dockerText);
        assertTrue(dataDir.find(), dockerText);
        assertTrue(docker.contains("VOLUME " + dataDir.group(1)), "the data folder is a volume");
        assertEquals(dataDir.group(1), container().at("/volumeMounts/0/mountPath").asText(),
                "the pod mounts its data volume on the image's data folder");
        assertTrue(docker.contains("ENTRYPOINT [\"/opt/modelbridge/entrypoint.sh\"]"));
    }

    @Test
    void theSecretManifestsPlaceholdersCannotServe() {
        JsonNode secret = DeployKit.k8s("secret.yaml");
        for (JsonNode env : container().get("env")) {
            JsonNode ref = env.at("/valueFrom/secretKeyRef");
            if (!ref.isMissingNode()) {
                assertEquals(secret.at("/metadata/name").asText(), ref.get("name").asText());
                assertTrue(secret.at("/stringData").has(ref.get("key").asText()), "the Secret has " + ref);
            }
        }
        Map<String, String> env = new HashMap<>(configMap());
        env.put("MB_MASTER_KEY", secret.at("/stringData/master-key").asText());
        env.put("MB_DATA_DIR", dataDir.toString());
        GatewayConfig config = GatewayConfig.fromEnvironment(env);
        assertThrows(IllegalArgumentException.class, () -> SecretFiles.masterKey(config),
                "a gateway started with the unedited Secret stops at once");
    }

    private GatewayConfig accepted(Map<String, String> kitEnv) {
        Map<String, String> env = new HashMap<>(kitEnv);
        env.put("MB_DATA_DIR", dataDir.toString());
        return GatewayConfig.fromEnvironment(env);
    }

    private static Map<String, String> configMap() {
        return DeployKit.strings(DeployKit.k8s("configmap.yaml").get("data"));
    }

    private static JsonNode container() {
        return DeployKit.k8s("deployment.yaml").at("/spec/template/spec/containers/0");
    }

    private static Set<String> mbVariables(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = MB_VARIABLE.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** The variables named in the first column of README.md's configuration table. */
    private static Set<String> readmeConfigurationTable() {
        Set<String> names = new TreeSet<>();
        for (String line : DeployKit.text(DeployKit.REPO.resolve("README.md")).split("\n")) {
            if (line.startsWith("| `MB_")) {
                names.addAll(mbVariables(line.split("\\|")[1]));
            }
        }
        return names;
    }

    /** The MB_* names that the gateway's sources spell out as string literals (what GatewayConfig.Env reads). */
    private static Set<String> readByTheGateway() {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(DeployKit.REPO.resolve("gateway/src/main/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = Pattern.compile("\"(MB_[A-Z0-9_]+)\"").matcher(Files.readString(source));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }
}
