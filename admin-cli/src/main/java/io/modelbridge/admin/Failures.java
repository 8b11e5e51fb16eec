package io.modelbridge.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.admin.client.AdminClient;
import io.modelbridge.admin.client.ApiException;
import io.modelbridge.admin.client.UnreachableException;
import io.modelbridge.admin.commands.SetsField;
import io.modelbridge.admin.output.Output;
import io.modelbridge.admin.repl.Console;
import java.lang.reflect.AnnotatedElement;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns every failure into one line on stderr and an exit code: 1 the server refused, 2 usage error, 3 the
 * server could not be reached or refused the token.
 */
final class Failures implements IParameterExceptionHandler, IExecutionExceptionHandler {
    private final Mbctl root;

    Failures(Mbctl root) {
        this.root = root;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        String message = e instanceof UnmatchedArgumentException u ? unmatched(u) : e.getMessage();
        output().error(message + hint(e.getCommandLine()), error(message, "usage_error"));
        return Mbctl.USAGE;
    }

    /** Where to read more: {@code mbctl user add --help} from a shell, {@code help user add} in the console. */
    private String hint(CommandLine command) {
        String qualified = command.getCommandSpec().qualifiedName();
        if (!root.inConsole()) {
            return " (see '" + qualified + " --help')";
        }
        int space = qualified.indexOf(' ');
        return " (see 'help" + (space < 0 ? "" : qualified.substring(space)) + "')";
    }

    /** A mistyped command or option, with the nearest names instead of picocli's "Unmatched arguments". */
    private String unmatched(UnmatchedArgumentException e) {
        List<String> unmatched = e.getUnmatched();
        CommandLine command = e.getCommandLine();
        CommandSpec spec = command.getCommandSpec();
        if (unmatched.isEmpty()) {
            return e.getMessage();
        }
        String first = unmatched.getFirst();
        if (first.startsWith("-")) {
            List<String> options = spec.options().stream().filter(o -> !o.hidden())
                    .flatMap(o -> Arrays.stream(o.names())).toList();
            String typed = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
            List<String> nearest = Suggestions.nearest(typed, options);
            return nearest.isEmpty() ? e.getMessage() : e.getMessage() + "." + didYouMean(nearest);
        }
        if (command.getSubcommands().isEmpty() || !spec.positionalParameters().isEmpty()) {
            return e.getMessage();
        }
        Set<String> names = new TreeSet<>();
        command.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                names.add(name);
            }
        });
        boolean top = spec.parent() == null;
        if (top && root.inConsole()) {
            names.addAll(Console.WORDS.keySet());
        }
        String what = top ? "Unknown command '" + first + "'"
                : "Unknown subcommand '" + first + "' of '" + spec.name() + "'";
        return what + "." + didYouMean(Suggestions.nearest(first, names));
    }

    private static String didYouMean(List<String> names) {
        return names.isEmpty() ? "" : " Did you mean " + names.stream().map(n -> "'" + n + "'")
                .collect(Collectors.joining(" or ")) + "?";
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
        return switch (e) {
            case ApiException api -> api(api, command.getCommandSpec());
            case UnreachableException u -> fail(u.getMessage(), "unreachable", Mbctl.UNREACHABLE);
            case InputException input -> fail(input.getMessage(), "invalid_input", Mbctl.USAGE);
            case CancellationException c -> fail("cancelled", "cancelled", Mbctl.REFUSED);
            default -> fail("unexpected error: " + e, "internal_error", Mbctl.REFUSED);
        };
    }

    private int api(ApiException e, CommandSpec command) {
        if (e.isAuthFailure()) {
            String message = root.connection().token().isEmpty()
                    ? "no admin token: pass --token, set MB_ADMIN_TOKEN, or run where "
                    + root.connection().tokenSource() + " is readable"
                    : "the admin API at " + root.connection().display() + " refused the token from "
                    + root.connection().tokenSource() + ": " + e.getMessage();
            root.out().error(message, e.error());
            return Mbctl.UNREACHABLE;
        }
        String message = e.getMessage();
        String param = e.param();
        if (param != null) {
            String option = optionSetting(param, command);
            if (!message.contains("'" + param + "'")) {
                message += " (field '" + param + "'" + (option == null ? "" : ", set by " + option) + ")";
            } else if (option != null) {
                message += " (set by " + option + ")";
            }
        }
        root.out().error(message, e.error());
        return Mbctl.REFUSED;
    }

    /** The command's option that sets the API field, where its name is not the field's; null otherwise. */
    private static String optionSetting(String field, CommandSpec command) {
        for (OptionSpec option : command.options()) {
            SetsField sets = option.userObject() instanceof AnnotatedElement declared
                    ? declared.getAnnotation(SetsField.class) : null;
            if (sets != null && Arrays.asList(sets.value()).contains(field)) {
                return option.longestName();
            }
        }
        String dashed = "--" + field.replace('_', '-');
        return dashed.equals("--" + field) || command.findOption(dashed) == null ? null : dashed;
    }

    private int fail(String message, String code, int exit) {
        output().error(message, error(message, code));
        return exit;
    }

    /** The output even when the session cannot be made (a bad --server is itself the error). */
    private Output output() {
        try {
            return root.out();
        } catch (RuntimeException e) {
            return new Output(root.outputMode(), root.invocation().out(), root.invocation().err(), () -> 0);
        }
    }

    private static ObjectNode error(String message, String code) {
        ObjectNode error = AdminClient.JSON.createObjectNode().put("message", message).put("type", "mbctl_error");
        return error.put("code", code);
    }
}
