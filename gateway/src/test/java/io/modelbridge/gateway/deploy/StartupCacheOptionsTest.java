package io.modelbridge.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JVM options ./modelbridge takes from mb_aot_opts (scripts/java-env.sh): record once, then use, per build. */
class StartupCacheOptionsTest {
    @TempDir
    Path dir;

    @Test
    void theFirstStartRecordsTheCacheAndLaterStartsUseItUntilTheJarChanges() throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "the ahead-of-time cache needs a JDK 25");
        Path jar = Files.writeString(dir.resolve("modelbridge-gateway.jar"), "jar");
        Files.createDirectories(dir.resolve("lib"));
        Path cacheDir = dir.resolve("aot");

        String first = aotOptions(cacheDir, jar, "on");
        assertTrue(first.matches("-XX:AOTCacheOutput=" + cacheDir + "/modelbridge-[0-9]+\\.aot"), first);
        Path cache = Path.of(first.substring(first.indexOf('=') + 1));
        Files.writeString(cache, "a cache the JVM wrote when the first run stopped");
        // JDK 25 only: cached adapters are not loaded (JDK-8364929 makes two fail to link, with a warning each)
        String adapters = Runtime.version().feature() == 25 ? " -XX:+UnlockDiagnosticVMOptions -XX:-AOTAdapterCaching" : "";
        String using = aotOptions(cacheDir, jar, "on");
        if (Runtime.version().feature() == 25) { // later JDKs get the eager compilation only while they know its option
            assertEquals("-XX:AOTCache=" + cache + adapters
                    + " -XX:+UnlockExperimentalVMOptions -XX:+AOTCompileEagerly", using);
        }
        assertTrue(using.startsWith("-XX:AOTCache=" + cache + adapters), using);
        assertEquals("-XX:AOTCache=" + cache + adapters, script("mb_aot_opts \"$1\" \"$2\"",
                Map.of("MB_AOT_EAGER", "off"), cacheDir.toString(), jar.toString()), "MB_AOT_EAGER=off");
        assertEquals("0", script("\"$JAVA_HOME/bin/java\" $MB_AOT_EAGER_OPTS -version >/dev/null 2>&1; echo $?", Map.of()),
                "the JVM starts with them");

        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60))); // a rebuild
        String afterRebuild = aotOptions(cacheDir, jar, "on");
        assertTrue(afterRebuild.startsWith("-XX:AOTCacheOutput="), afterRebuild);
        assertNotEquals("-XX:AOTCacheOutput=" + cache, afterRebuild);
        assertFalse(Files.exists(cache), "the previous build's cache was removed");

        assertEquals("", aotOptions(cacheDir, jar, "off"));
    }

    @Test
    void theDefaultJvmOptionsLeaveTheCollectorToMbJavaOptsAndTheCacheFollowsThem() throws Exception {
        String defaults = script("mb_default_jvm_opts", Map.of());
        assertEquals(Runtime.version().feature() >= 25, defaults.contains("-XX:+UseCompactObjectHeaders"), defaults);
        int processors = Integer.parseInt(script("nproc", Map.of()));
        assertEquals(processors <= 2, defaults.contains("-XX:+UseSerialGC"), defaults);
        String chosen = script("mb_default_jvm_opts", Map.of("MB_JAVA_OPTS", "-Xmx1g -XX:+UseZGC"));
        assertFalse(chosen.contains("GC"), "a collector in MB_JAVA_OPTS is not contradicted: " + chosen);
        assertEquals("0", script("\"$JAVA_HOME/bin/java\" $(mb_default_jvm_opts) -version >/dev/null 2>&1; echo $?",
                Map.of()), "the JVM starts with them");

        assumeTrue(Runtime.version().feature() >= 25, "the ahead-of-time cache needs a JDK 25");
        Path jar = Files.writeString(dir.resolve("modelbridge-gateway.jar"), "jar");
        Path cacheDir = dir.resolve("aot");
        String plain = script("mb_aot_opts \"$1\" \"$2\"", Map.of(), cacheDir.toString(), jar.toString());
        String other = script("mb_aot_opts \"$1\" \"$2\"", Map.of("MB_JAVA_OPTS", "-XX:-UseCompactObjectHeaders"),
                cacheDir.toString(), jar.toString());
        assertNotEquals(plain, other, "a cache recorded with other JVM options is another file");
    }

    @Test
    void theEnvironmentDefaultsSetPostgresMallocsKeepAndYieldToValuesAlreadySet() throws Exception {
        assertEquals("MALLOC_TRIM_THRESHOLD_=33554432 MALLOC_TOP_PAD_=8388608", script("mb_default_env", Map.of()));
        assertEquals("MALLOC_TRIM_THRESHOLD_=131072 MALLOC_TOP_PAD_=0",
                script("mb_default_env", Map.of("MALLOC_TRIM_THRESHOLD_", "131072", "MALLOC_TOP_PAD_", "0")));
    }

    private static String script(String command, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(
                List.of("bash", "-c", ". scripts/java-env.sh && " + command, "test"));
        line.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(line).directory(DeployKit.REPO.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("MB_JAVA_OPTS");
        builder.environment().keySet().removeIf(name -> name.startsWith("MALLOC_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
        return out;
    }

    private static String aotOptions(Path cacheDir, Path jar, String aot) throws IOException, InterruptedException {
        return script("mb_aot_opts \"$1\" \"$2\"", Map.of("MB_AOT", aot), cacheDir.toString(), jar.toString());
    }
}
