package io.modelbridge.admin;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * What one run of the command tree gets from outside: the environment, the output streams and the terminal
 * width, and in the console the session already open.
 */
public record Invocation(Map<String, String> env, PrintWriter out, PrintWriter err, IntSupplier width,
                         Optional<Session> session) {
    public Invocation {
        env = Map.copyOf(env);
    }

    public static Invocation of(Map<String, String> env, PrintWriter out, PrintWriter err, IntSupplier width) {
        return new Invocation(env, out, err, width, Optional.empty());
    }

    public Invocation in(Session console) {
        return new Invocation(env, out, err, width, Optional.of(console));
    }
}
