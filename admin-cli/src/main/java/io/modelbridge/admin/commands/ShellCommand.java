package io.modelbridge.admin.commands;

import io.modelbridge.admin.Mbctl;
import io.modelbridge.admin.repl.Console;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code shell}: the interactive console. */
@Command(name = "shell", description = "Start the interactive console (completion, history, help).")
public final class ShellCommand implements Callable<Integer> {
    @ParentCommand
    private Mbctl root;

    @Override
    public Integer call() {
        if (root.inConsole()) {
            root.out().line("Already in the console (Ctrl-D or 'exit' leaves it).");
            return Mbctl.OK;
        }
        return new Console(root.connection(), root.invocation().env()).run();
    }
}
