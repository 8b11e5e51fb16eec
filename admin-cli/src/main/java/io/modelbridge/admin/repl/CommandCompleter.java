package io.modelbridge.admin.repl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Completes a console line from the picocli model, at any depth: commands, subcommands, options, and the values
 * of options and parameters from their completion candidates (live ones ask the server at TAB time).
 */
final class CommandCompleter implements Completer {
    private final CommandLine root;
    private final Map<String, String> consoleWords;

    /** @param consoleWords words the console understands besides the commands, with what each does */
    CommandCompleter(CommandLine root, Map<String, String> consoleWords) {
        this.root = root;
        this.consoleWords = Map.copyOf(consoleWords);
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        String current = line.word().substring(0, line.wordCursor());
        Position at = Position.of(root, line.words().subList(0, line.wordIndex()));
        if (at.pendingOption() != null) {
            values(at.pendingOption(), current, candidates);
        } else if (at.command().getCommandSpec().helpCommand()) {
            helpTargets(at.positionals(), candidates);
        } else if (current.startsWith("-")) {
            options(at.command().getCommandSpec(), current, candidates);
        } else if (!at.command().getSubcommands().isEmpty() && at.positionals().isEmpty()) {
            subcommands(at.command(), candidates);
            if (at.command() == root) {
                consoleWords.forEach((w, what) -> candidates.add(new Candidate(w, w, null, what, null, null, true)));
            }
        } else {
            positional(at.command().getCommandSpec(), at.positionals().size(), current, candidates);
        }
    }

    private static void subcommands(CommandLine command, List<Candidate> candidates) {
        command.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                candidates.add(new Candidate(name, name, null, first(sub.getCommandSpec().usageMessage().description()),
                        null, null, true));
            }
        });
    }

    private static void options(CommandSpec spec, String current, List<Candidate> candidates) {
        int eq = current.indexOf('=');
        if (eq > 0) {
            OptionSpec option = spec.findOption(current.substring(0, eq));
            if (option != null) {
                List<Candidate> values = new ArrayList<>();
                values(option, current.substring(eq + 1), values);
                values.forEach(v -> candidates.add(new Candidate(current.substring(0, eq + 1) + v.value(),
                        v.displ(), null, null, null, null, true)));
            }
            return;
        }
        for (OptionSpec option : spec.options()) {
            if (option.hidden()) {
                continue;
            }
            for (String name : option.names()) {
                candidates.add(new Candidate(name, name, null, first(option.description()), null, null,
                        option.arity().max() == 0));
            }
        }
    }

    private static void positional(CommandSpec spec, int index, String current, List<Candidate> candidates) {
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.index().contains(index)) {
                values(p, current, candidates);
            }
        }
    }

    /** The values an option or parameter may take; after a comma in a split list, the next value. */
    private static void values(ArgSpec arg, String current, List<Candidate> candidates) {
        Iterable<String> values = arg.completionCandidates();
        if (values == null) {
            return;
        }
        String prefix = "";
        if (",".equals(arg.splitRegex()) && current.contains(",")) {
            prefix = current.substring(0, current.lastIndexOf(',') + 1);
        }
        int order = 0; // shown in the order given (served models before the plugins' catalogues), not sorted
        for (String value : values) {
            candidates.add(new Candidate(prefix + value, value, null, null, null, null, true, order++));
        }
    }

    private void helpTargets(List<String> words, List<Candidate> candidates) {
        CommandLine target = root;
        for (String word : words) {
            target = target.getSubcommands().get(word);
            if (target == null) {
                return;
            }
        }
        subcommands(target, candidates);
    }

    private static String first(String[] lines) {
        return lines == null || lines.length == 0 ? null : lines[0];
    }

    /** Where the words before the cursor lead: the command, its positional words, an option awaiting a value. */
    record Position(CommandLine command, List<String> positionals, OptionSpec pendingOption) {
        static Position of(CommandLine root, List<String> words) {
            CommandLine command = root;
            List<String> positionals = new ArrayList<>();
            OptionSpec pending = null;
            for (String word : words) {
                if (pending != null) {
                    pending = null;
                } else if (word.startsWith("-") && word.length() > 1) {
                    OptionSpec option = command.getCommandSpec().findOption(word.contains("=")
                            ? word.substring(0, word.indexOf('=')) : word);
                    if (option != null && option.arity().max() > 0 && !word.contains("=")) {
                        pending = option;
                    }
                } else if (positionals.isEmpty() && command.getSubcommands().containsKey(word)) {
                    command = command.getSubcommands().get(word);
                } else {
                    positionals.add(word);
                }
            }
            return new Position(command, List.copyOf(positionals), pending);
        }
    }
}
