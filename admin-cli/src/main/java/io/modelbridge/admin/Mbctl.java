package io.modelbridge.admin;

import io.modelbridge.admin.client.AdminClient;
import io.modelbridge.admin.client.Connection;
import io.modelbridge.admin.commands.AliasCommand;
import io.modelbridge.admin.commands.ApplyCommand;
import io.modelbridge.admin.commands.ChannelCommand;
import io.modelbridge.admin.commands.HelpCommand;
import io.modelbridge.admin.commands.KeyCommand;
import io.modelbridge.admin.commands.LimitCommand;
import io.modelbridge.admin.commands.PluginCommand;
import io.modelbridge.admin.commands.PortalCommand;
import io.modelbridge.admin.commands.PriceCommand;
import io.modelbridge.admin.commands.QuotaCommand;
import io.modelbridge.admin.commands.ShellCommand;
import io.modelbridge.admin.commands.UsageCommand;
import io.modelbridge.admin.commands.UserCommand;
import io.modelbridge.admin.output.Output;
import io.modelbridge.admin.output.OutputMode;
import io.modelbridge.admin.repl.Console;
import io.modelbridge.admin.repl.Terminals;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The root of the command tree: global options, and the console when started with no command on a terminal. */
@Command(name = "mbctl", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = Version.class, sortOptions = false, usageHelpAutoWidth = true,
        description = "Manage a ModelBridge gateway through its admin API. With no command on a terminal: the console.",
        subcommands = {UserCommand.class, KeyCommand.class, ChannelCommand.class, AliasCommand.class,
            LimitCommand.class, QuotaCommand.class, PriceCommand.class, PluginCommand.class, UsageCommand.class,
            PortalCommand.class, ApplyCommand.class, ShellCommand.class, HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 refused by the server, 2 usage error, 3 server unreachable, not an admin"
            + " API, or auth failed."})
public final class Mbctl implements Callable<Integer> {
    public static final int OK = 0;
    public static final int REFUSED = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;

    @Option(names = "--server", paramLabel = "URL", scope = ScopeType.LOCAL,
            description = "Admin API address (host:port or URL). Default: $MB_SERVER, else 127.0.0.1:8081.")
    private String server;

    @Option(names = "--token", paramLabel = "TOKEN", scope = ScopeType.LOCAL,
            description = "Admin token. Default: $MB_ADMIN_TOKEN, else the file admin-token in $MB_DATA_DIR (./data).")
    private String token;

    /** Global only, before the command: {@code price set --output} is the output price. */
    @Option(names = {"-o", "--output"}, paramLabel = "table|json", defaultValue = "table", scope = ScopeType.LOCAL,
            completionCandidates = OutputModes.class,
            description = "Output format: table (for people) or json (the admin API's JSON, for scripts).")
    private OutputMode output = OutputMode.TABLE;

    @Spec
    private CommandSpec spec;

    private final Invocation invocation;
    private Session session;

    /** Completion offers the modes as they are usually typed. */
    static final class OutputModes implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("table", "json").iterator();
        }
    }

    public Mbctl(Invocation invocation) {
        this.invocation = invocation;
    }

    /** Runs one command line; returns its exit code. */
    public static int run(String[] args, Invocation invocation) {
        return commandLine(invocation).execute(args);
    }

    public static CommandLine commandLine(Invocation invocation) {
        Mbctl root = new Mbctl(invocation);
        CommandLine cl = new CommandLine(root, new Factory(() -> root.session().live()));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.registerConverter(BigDecimal.class, Mbctl::decimal);
        cl.setOut(invocation.out());
        cl.setErr(invocation.err());
        Failures failures = new Failures(root);
        cl.setParameterExceptionHandler(failures);
        cl.setExecutionExceptionHandler(failures);
        return cl;
    }

    /** Picocli's own BigDecimal conversion error quotes the Java exception. */
    private static BigDecimal decimal(String text) {
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a number");
        }
    }

    @Override
    public Integer call() {
        if (invocation.session().isEmpty() && Terminals.isInteractive()) {
            return new Console(connection(), invocation.env()).run();
        }
        throw new ParameterException(spec.commandLine(), "Missing command (the console needs a terminal)");
    }

    /** The session: the console's, or one made from the options and the environment on first use. */
    public Session session() {
        if (session == null) {
            if (invocation.session().isPresent()) {
                if (server != null || token != null) {
                    throw new ParameterException(spec.commandLine(),
                            "--server and --token are fixed for the console; start mbctl again to change them.");
                }
                session = invocation.session().get();
            } else {
                session = new Session(connection(), invocation.out(), invocation.err(), invocation.width());
            }
        }
        return session;
    }

    public Connection connection() {
        if (session != null) {
            return session.connection();
        }
        try {
            return Connection.resolve(Optional.ofNullable(server), Optional.ofNullable(token), invocation.env());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    public AdminClient client() {
        return session().client();
    }

    public Output out() {
        return session().output(output);
    }

    OutputMode outputMode() {
        return output;
    }

    public Invocation invocation() {
        return invocation;
    }

    public boolean inConsole() {
        return invocation.session().isPresent();
    }
}
