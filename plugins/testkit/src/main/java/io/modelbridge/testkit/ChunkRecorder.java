package io.modelbridge.testkit;

import io.modelbridge.spi.ChatChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** A stream consumer that keeps every chunk with its arrival time, for assertions on order and pacing. */
public final class ChunkRecorder implements Consumer<ChatChunk> {

    /** One chunk and when it arrived ({@link System#nanoTime()}). */
    public record Arrival(ChatChunk chunk, long nanos) {}

    private final List<Arrival> arrivals = new ArrayList<>();

    @Override
    public void accept(ChatChunk chunk) {
        arrivals.add(new Arrival(chunk, System.nanoTime()));
    }

    public List<Arrival> arrivals() {
        return List.copyOf(arrivals);
    }

    /** The content chunks, in order: all but {@link ChatChunk.Fields} (the upstream's other fields; see {@link #of}). */
    public List<ChatChunk> chunks() {
        return arrivals.stream().map(Arrival::chunk).filter(c -> !(c instanceof ChatChunk.Fields)).toList();
    }

    /** The chunks of one type, in order. */
    public <T extends ChatChunk> List<T> of(Class<T> type) {
        return arrivals.stream().map(Arrival::chunk).filter(type::isInstance).map(type::cast).toList();
    }

    /** All text deltas joined. */
    public String text() {
        return of(ChatChunk.TextDelta.class).stream().map(ChatChunk.TextDelta::text).collect(Collectors.joining());
    }

    /** All argument fragments of tool call {@code callIndex} joined. */
    public String toolArguments(int callIndex) {
        return of(ChatChunk.ToolCallDelta.class).stream()
                .filter(d -> d.callIndex() == callIndex)
                .map(ChatChunk.ToolCallDelta::argumentsFragment)
                .collect(Collectors.joining());
    }
}
