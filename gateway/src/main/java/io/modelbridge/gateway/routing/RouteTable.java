package io.modelbridge.gateway.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * An immutable snapshot of how model names resolve. A name that is an alias goes to the alias's targets; a name
 * that is not an alias but is listed on enabled channels goes to those channels.
 */
public final class RouteTable {
    private final Map<String, List<Target>> aliases;
    private final Map<String, List<Target>> channelModels;
    private final Map<String, ChannelRoute> channels;

    /** @param channels every enabled channel by name (also those no alias or model reaches) */
    public RouteTable(Map<String, List<Target>> aliases, Map<String, List<Target>> channelModels,
                      Map<String, ChannelRoute> channels) {
        this.aliases = Map.copyOf(aliases);
        this.channelModels = Map.copyOf(channelModels);
        this.channels = Map.copyOf(channels);
    }

    /** With the channels the targets name. */
    public RouteTable(Map<String, List<Target>> aliases, Map<String, List<Target>> channelModels) {
        this(aliases, channelModels, channelsOf(aliases, channelModels));
    }

    public static RouteTable empty() {
        return new RouteTable(Map.of(), Map.of());
    }

    /** The enabled channels by name. */
    public Map<String, ChannelRoute> channels() {
        return channels;
    }

    private static Map<String, ChannelRoute> channelsOf(Map<String, List<Target>> a, Map<String, List<Target>> b) {
        Map<String, ChannelRoute> all = new java.util.HashMap<>();
        java.util.stream.Stream.concat(a.values().stream(), b.values().stream()).flatMap(List::stream)
                .forEach(t -> all.put(t.channel().name(), t.channel()));
        return all;
    }

    /**
     * The order in which to try targets for this model: by priority (lower first), and within a priority a
     * weighted random order; empty when the name is unknown.
     */
    public Optional<List<Target>> plan(String model) {
        List<Target> targets = aliases.getOrDefault(model, channelModels.get(model));
        if (targets == null || targets.isEmpty()) {
            return Optional.empty();
        }
        if (targets.size() == 1) {
            return Optional.of(List.of(targets.getFirst()));
        }
        Map<Integer, List<Target>> byPriority = targets.stream()
                .collect(Collectors.groupingBy(Target::priority, TreeMap::new, Collectors.toList()));
        List<Target> plan = new ArrayList<>(targets.size());
        byPriority.values().forEach(group -> plan.addAll(weightedOrder(group)));
        return Optional.of(plan);
    }

    /** True when {@code model} is a name a client may send (an alias or a channel's model). */
    public boolean serves(String model) {
        return aliases.containsKey(model) || channelModels.containsKey(model);
    }

    /** Every model name a client may send, sorted. */
    public List<String> modelNames() {
        TreeSet<String> names = new TreeSet<>(aliases.keySet());
        names.addAll(channelModels.keySet());
        return List.copyOf(names);
    }

    /** The aliases operators set up (not the channels' own model names), sorted. */
    public List<String> aliasNames() {
        return List.copyOf(new TreeSet<>(aliases.keySet()));
    }

    public boolean isAlias(String model) {
        return aliases.containsKey(model);
    }

    /** Weighted sampling without replacement: a target's chance to come first is its share of the group's weight. */
    static List<Target> weightedOrder(List<Target> group) {
        if (group.size() == 1) {
            return group;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return group.stream()
                .map(t -> Map.entry(Math.pow(random.nextDouble(), 1.0 / Math.max(1, t.weight())), t))
                .sorted(Map.Entry.<Double, Target>comparingByKey(Comparator.reverseOrder()))
                .map(Map.Entry::getValue)
                .toList();
    }
}
