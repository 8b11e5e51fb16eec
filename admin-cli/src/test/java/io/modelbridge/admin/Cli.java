package io.modelbridge.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.admin.client.AdminClient;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.testkit.SecretLedger;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Runs mbctl in this JVM against the shared test gateway, as a script would: args in, exit code and text out. */
final class Cli {
    /** An API key secret as the gateway makes them. */
    private static final Pattern KEY = Pattern.compile("mb-[A-Za-z0-9_-]{43}");
    private final Map<String, String> env;
    private final int width;

    private Cli(Map<String, String> env, int width) {
        this.env = Map.copyOf(env);
        this.width = width;
    }

    /** Server and token from the environment, as on the gateway's machine; tables unlimited in width. */
    static Cli gateway() {
        TestGateway g = TestGateway.get();
        return new Cli(Map.of("MB_SERVER", g.server(), "MB_ADMIN_TOKEN", RunningGateway.ADMIN_TOKEN), 0);
    }

    static Cli withEnv(Map<String, String> env) {
        return new Cli(env, 0);
    }

    Cli env(String name, String value) {
        Map<String, String> more = new HashMap<>(env);
        more.put(name, value);
        return new Cli(more, width);
    }

    Cli width(int columns) {
        return new Cli(env, columns);
    }

    Result run(String... args) {
        remember(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Mbctl.run(args, Invocation.of(env, new PrintWriter(out, true), new PrintWriter(err, true),
                () -> width));
        KEY.matcher(out + "\n" + err).results().forEach(m -> SecretLedger.record(m.group()));
        return new Result(exit, out.toString(), err.toString(), String.join(" ", args));
    }

    /**
     * The secrets a command hands to mbctl go to the {@link SecretLedger}: {@code --credential} values, the
     * environment's token and keys (apply files read credentials from it); the keys it prints are added in run.
     */
    private void remember(String... args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--credential") && i + 1 < args.length) {
                SecretLedger.record(args[i + 1]);
            } else if (args[i].startsWith("--credential=")) {
                SecretLedger.record(args[i].substring("--credential=".length()));
            }
        }
        env.forEach((name, value) -> {
            if (name.endsWith("_KEY") || name.endsWith("_TOKEN")) {
                SecretLedger.record(value);
            }
        });
    }

    /** The same command with {@code --output json}. */
    Result json(String... args) {
        List<String> all = new ArrayList<>(List.of("--output", "json"));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    /** One run of mbctl. */
    record Result(int exit, String out, String err, String command) {
        Result ok() {
            return exits(0);
        }

        Result exits(int expected) {
            assertEquals(expected, exit, "mbctl " + command + "\nstdout: " + out + "\nstderr: " + err);
            return this;
        }

        JsonNode json() {
            try {
                return AdminClient.JSON.readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + out, e);
            }
        }

        /** The one-line JSON error on stderr. */
        JsonNode error() {
            try {
                return AdminClient.JSON.readTree(err).path("error");
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + err, e);
            }
        }
    }
}
