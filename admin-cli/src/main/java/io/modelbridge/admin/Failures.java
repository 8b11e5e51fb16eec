package io.modelbridge.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.admin.client.AdminClient;
import io.modelbridge.admin.client.ApiException;
import io.modelbridge.admin.client.UnreachableException;
import io.modelbridge.admin.output.Output;
import java.util.concurrent.CancellationException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

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
        CommandLine command = e.getCommandLine();
        String hint = " (see '" + command.getCommandSpec().qualifiedName() + " --help')";
        output().error(e.getMessage() + hint, error(e.getMessage(), "usage_error"));
        return Mbctl.USAGE;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
        return switch (e) {
            case ApiException api -> api(api);
            case UnreachableException u -> fail(u.getMessage(), "unreachable", Mbctl.UNREACHABLE);
            case InputException input -> fail(input.getMessage(), "invalid_input", Mbctl.USAGE);
            case CancellationException c -> fail("cancelled", "cancelled", Mbctl.REFUSED);
            default -> fail("unexpected error: " + e, "internal_error", Mbctl.REFUSED);
        };
    }

    private int api(ApiException e) {
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
        if (param != null && !message.contains("'" + param + "'")) {
            message += " (field '" + param + "')";
        }
        root.out().error(message, e.error());
        return Mbctl.REFUSED;
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
