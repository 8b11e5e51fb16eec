package io.modelbridge.admin;

import io.modelbridge.admin.repl.Terminals;
import java.io.PrintWriter;
import java.util.Map;
import java.util.function.IntSupplier;

/** mbctl: one command line, or with no command on a terminal the console. */
public final class AdminMain {
    private AdminMain() {}

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = Mbctl.run(args, Invocation.of(env, out, err, lazyWidth(env)));
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Measured once, and only when a table is printed. */
    private static IntSupplier lazyWidth(Map<String, String> env) {
        int[] width = {-1};
        return () -> {
            if (width[0] < 0) {
                width[0] = Terminals.width(env);
            }
            return width[0];
        };
    }
}
