package io.modelbridge.admin.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Where a command's results and errors go. In json mode a result is exactly the admin API's JSON and an error is
 * one line of {@code {"error":{...}}} on stderr; in table mode results are tables fitted to the terminal width and
 * an error is one line naming what went wrong.
 */
public final class Output {
    private static final ObjectMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final ObjectMapper COMPACT = JsonMapper.builder().build();
    private final OutputMode mode;
    private final PrintWriter out;
    private final PrintWriter err;
    private final IntSupplier width;

    public Output(OutputMode mode, PrintWriter out, PrintWriter err, IntSupplier width) {
        this.mode = mode;
        this.out = out;
        this.err = err;
        this.width = width;
    }

    public boolean isJson() {
        return mode == OutputMode.JSON;
    }

    public void json(JsonNode node) {
        out.println(write(PRETTY, node));
        out.flush();
    }

    public void table(Table table) {
        out.print(table.render(width.getAsInt()));
        out.flush();
    }

    /** Label: value lines, values cut to the width. */
    public void fields(Map<String, ?> fields) {
        int label = fields.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        int columns = width.getAsInt();
        fields.forEach((k, v) -> {
            String value = Cells.text(v);
            out.println(Table.cut(k + ":" + " ".repeat(label - k.length() - 1) + value,
                    columns > 0 ? columns : Integer.MAX_VALUE));
        });
        out.flush();
    }

    /** The admin API's answer in json mode, else the sentence saying what happened. */
    public void result(JsonNode json, String sentence) {
        if (isJson()) {
            json(json);
        } else {
            line(sentence);
        }
    }

    /** A sentence for people; what the gateway sent in it is made terminal-safe ({@link Printable}). */
    public void line(String text) {
        out.println(Printable.lines(text));
        out.flush();
    }

    /** One line on stderr; in json mode {@code {"error":{...}}} with {@code error} as given. */
    public void error(String message, JsonNode error) {
        if (isJson()) {
            Map<String, JsonNode> wrapped = new LinkedHashMap<>();
            wrapped.put("error", error);
            err.println(write(COMPACT, COMPACT.valueToTree(wrapped)));
        } else {
            err.println("mbctl: " + Printable.lines(message));
        }
        err.flush();
    }

    public PrintWriter out() {
        return out;
    }

    private static String write(ObjectMapper mapper, JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
