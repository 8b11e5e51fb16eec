package io.modelbridge.admin;

import io.modelbridge.admin.client.AdminClient;
import io.modelbridge.admin.client.Connection;
import io.modelbridge.admin.output.Output;
import io.modelbridge.admin.output.OutputMode;
import io.modelbridge.admin.repl.LiveValues;
import java.io.PrintWriter;
import java.util.function.IntSupplier;

/** One connection to the admin API and where output goes: a whole console session, or one command line. */
public final class Session {
    private final AdminClient client;
    private final LiveValues live;
    private final PrintWriter out;
    private final PrintWriter err;
    private final IntSupplier width;

    public Session(Connection connection, PrintWriter out, PrintWriter err, IntSupplier width) {
        this.client = new AdminClient(connection);
        this.live = new LiveValues(client);
        this.out = out;
        this.err = err;
        this.width = width;
    }

    public AdminClient client() {
        return client;
    }

    public Connection connection() {
        return client.connection();
    }

    public LiveValues live() {
        return live;
    }

    public Output output(OutputMode mode) {
        return new Output(mode, out, err, width);
    }
}
