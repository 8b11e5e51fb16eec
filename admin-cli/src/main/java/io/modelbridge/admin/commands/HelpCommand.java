package io.modelbridge.admin.commands;

import io.modelbridge.admin.Mbctl;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code help [COMMAND [SUBCOMMAND]]}: the usage of the whole tool or of one (sub)command. */
@Command(name = "help", helpCommand = true, description = "Show help: 'help', 'help user', 'help user add'.")
public final class HelpCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "COMMAND", arity = "0..2", description = "The command (and subcommand) to explain.")
    private List<String> words = List.of();

    @Override
    public Integer call() {
        CommandLine target = spec.root().commandLine();
        for (String word : words) {
            CommandLine sub = target.getSubcommands().get(word);
            if (sub == null) {
                throw new ParameterException(spec.commandLine(), "No command '" + String.join(" ", words)
                        + "'; commands: " + String.join(", ", target.getSubcommands().keySet()) + ".");
            }
            target = sub;
        }
        target.usage(spec.commandLine().getOut(), spec.commandLine().getColorScheme());
        return Mbctl.OK;
    }
}
