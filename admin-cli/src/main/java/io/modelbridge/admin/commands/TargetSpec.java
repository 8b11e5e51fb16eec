package io.modelbridge.admin.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.admin.client.AdminClient;

/**
 * One alias target as written on the command line: {@code CHANNEL[:UPSTREAM_MODEL][,priority=N][,weight=N]}.
 * The channel ends at the first colon, so upstream models may contain colons ({@code ollama:llama3:8b}).
 */
record TargetSpec(String channel, String model, int priority, int weight) {

    /** @throws IllegalArgumentException naming what is wrong */
    static TargetSpec parse(String text) {
        String[] parts = text.split(",", -1);
        String head = parts[0].strip();
        int colon = head.indexOf(':');
        String channel = colon < 0 ? head : head.substring(0, colon);
        String model = colon < 0 ? null : head.substring(colon + 1);
        if (channel.isEmpty() || (model != null && model.isEmpty())) {
            throw new IllegalArgumentException("'" + text + "' must start with CHANNEL or CHANNEL:UPSTREAM_MODEL");
        }
        int priority = 0;
        int weight = 1;
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].strip().split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("'" + parts[i] + "' in '" + text + "' must be priority=N or weight=N");
            }
            int value = number(kv[1], text);
            switch (kv[0].strip()) {
                case "priority" -> priority = value;
                case "weight" -> weight = value;
                default -> throw new IllegalArgumentException("'" + kv[0] + "' in '" + text
                        + "' is not a target setting (priority, weight)");
            }
        }
        return new TargetSpec(channel, model, priority, weight);
    }

    ObjectNode json() {
        ObjectNode node = AdminClient.JSON.createObjectNode().put("channel", channel);
        if (model != null) {
            node.put("model", model);
        }
        return node.put("priority", priority).put("weight", weight);
    }

    private static int number(String value, String text) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' in '" + text + "' is not a whole number");
        }
    }
}
