package io.modelbridge.provider.ernie;

import static io.modelbridge.provider.ernie.ErnieJson.MAPPER;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ToolCall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI messages to ERNIE's {@code system} field and {@code messages} array. ERNIE takes no system role in
 * {@code messages} and wants an odd number of turns alternating user (or function result) and assistant, starting
 * and ending on the user's side. This class repairs what it can without changing meaning (system messages are
 * joined into {@code system}; consecutive user messages, and consecutive plain assistant messages, are merged with a
 * blank line) and refuses the rest with a BAD_REQUEST that says what to change.
 */
final class ErnieConversation {
    private ErnieConversation() {}

    /** The mapped conversation: {@code system} is empty when the request had no system message. */
    record Mapped(String system, ArrayNode messages) {}

    /** One ERNIE message before it is written; {@code call} is an assistant's function call, else null. */
    private record Turn(String role, String content, String name, ToolCall call) {
        boolean userSide() {
            return role.equals("user") || role.equals("function");
        }
    }

    static Mapped map(List<Message> messages) {
        List<String> system = new ArrayList<>();
        List<Turn> turns = new ArrayList<>();
        Map<String, String> callNames = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            switch (m.role()) {
                case "system", "developer" -> system.add(text(m, i));
                case "user" -> add(turns, new Turn("user", text(m, i), null, null));
                case "assistant" -> add(turns, assistant(m, i, callNames));
                case "tool", "function" -> turns.add(new Turn("function", text(m, i), functionName(m, i, callNames), null));
                default -> throw refuse("messages[" + i + "]: role '" + m.role() + "' has no ERNIE equivalent");
            }
        }
        check(turns);
        ArrayNode out = MAPPER.createArrayNode();
        turns.forEach(t -> out.add(write(t)));
        return new Mapped(String.join("\n\n", system), out);
    }

    /** Appends a turn, merging it into the previous one when both are user text or both plain assistant text. */
    private static void add(List<Turn> turns, Turn turn) {
        if (!turns.isEmpty()) {
            Turn last = turns.getLast();
            boolean bothUser = last.role().equals("user") && turn.role().equals("user");
            boolean bothPlainAssistant = last.role().equals("assistant") && turn.role().equals("assistant")
                    && last.call() == null && turn.call() == null;
            if (bothUser || bothPlainAssistant) {
                turns.set(turns.size() - 1, new Turn(last.role(), last.content() + "\n\n" + turn.content(), null, null));
                return;
            }
        }
        turns.add(turn);
    }

    private static Turn assistant(Message m, int i, Map<String, String> callNames) {
        if (m.toolCalls().size() > 1) {
            throw refuse("messages[" + i + "]: ERNIE takes one function call per assistant message, this one has "
                    + m.toolCalls().size());
        }
        ToolCall call = m.toolCalls().isEmpty() ? null : m.toolCalls().getFirst();
        if (call != null && call.id() != null) {
            callNames.put(call.id(), call.name());
        }
        return new Turn("assistant", text(m, i), null, call);
    }

    private static String functionName(Message m, int i, Map<String, String> callNames) {
        if (m.name() != null && !m.name().isBlank()) {
            return m.name();
        }
        String name = m.toolCallId() == null ? null : callNames.get(m.toolCallId());
        if (name == null) {
            throw refuse("messages[" + i + "]: a tool result must answer a tool call of an earlier assistant message "
                    + "(tool_call_id '" + m.toolCallId() + "' is unknown)");
        }
        return name;
    }

    /** Alternation: user side on even positions, assistant on odd ones, a function result right after a call. */
    private static void check(List<Turn> turns) {
        if (turns.isEmpty()) {
            throw refuse("ERNIE needs at least one user message besides the system messages");
        }
        for (int i = 0; i < turns.size(); i++) {
            Turn t = turns.get(i);
            if (i == 0 && !t.role().equals("user")) {
                throw refuse("ERNIE needs the conversation (system messages aside) to start with a user message, "
                        + "not " + describe(t));
            }
            if (i % 2 == 0 && !t.userSide()) {
                throw refuse("ERNIE needs user and assistant turns to alternate; turn " + (i + 1) + " is a second "
                        + "assistant turn in a row that cannot be merged (it carries a function call)");
            }
            if (i % 2 == 1 && t.userSide()) {
                throw refuse("ERNIE needs user and assistant turns to alternate; turn " + (i + 1) + " is "
                        + describe(t) + " right after " + describe(turns.get(i - 1)));
            }
            if (t.role().equals("function") && turns.get(i - 1).call() == null) {
                throw refuse("ERNIE needs a tool result right after the assistant message that called the tool");
            }
        }
        if (!turns.getLast().userSide()) {
            throw refuse("ERNIE needs the last message to be the user's (or a tool result), not an assistant message");
        }
    }

    private static String describe(Turn t) {
        return switch (t.role()) {
            case "function" -> "a tool result";
            case "assistant" -> "an assistant message";
            default -> "a user message";
        };
    }

    private static ObjectNode write(Turn t) {
        ObjectNode node = MAPPER.createObjectNode().put("role", t.role()).put("content", t.content());
        if (t.name() != null) {
            node.put("name", t.name());
        }
        if (t.call() != null) {
            node.putObject("function_call").put("name", t.call().name()).put("arguments", t.call().arguments());
        }
        return node;
    }

    private static String text(Message m, int i) {
        if (!m.isTextOnly()) {
            throw refuse("messages[" + i + "]: ERNIE's chat models take text only; this message has non-text parts");
        }
        return m.text();
    }

    static ProviderException refuse(String message) {
        return new ProviderException(ProviderFailure.of(ProviderFailure.Kind.BAD_REQUEST, message));
    }
}
