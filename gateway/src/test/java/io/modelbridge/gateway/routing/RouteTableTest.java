package io.modelbridge.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.spi.ProviderSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private static Target target(String channel, int priority, int weight) {
        var settings = new ProviderSettings(channel, "", "k", Duration.ofSeconds(1), Duration.ofSeconds(1), Map.of());
        return new Target(new ChannelRoute(1, channel, "openai", settings), "up", priority, weight);
    }

    @Test
    void triesLowerPriorityFirstAndSpreadsByWeightWithinIt() {
        RouteTable table = new RouteTable(Map.of("chat",
                List.of(target("backup", 1, 1), target("a", 0, 3), target("b", 0, 1))), Map.of());
        Map<String, Integer> firsts = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            List<Target> plan = table.plan("chat").orElseThrow();
            assertEquals("backup", plan.get(2).channel().name());
            firsts.merge(plan.get(0).channel().name(), 1, Integer::sum);
        }
        double shareOfA = firsts.get("a") / 4000.0;
        assertTrue(Math.abs(shareOfA - 0.75) < 0.04, "a went first " + shareOfA + " of the time, expected 0.75");
    }

    @Test
    void aliasesWinOverChannelModelsAndUnknownNamesHaveNoPlan() {
        RouteTable table = new RouteTable(Map.of("gpt-4o", List.of(target("alias-target", 0, 1))),
                Map.of("gpt-4o", List.of(target("listed", 0, 1)), "other", List.of(target("listed", 0, 1))));
        assertEquals("alias-target", table.plan("gpt-4o").orElseThrow().get(0).channel().name());
        assertEquals("listed", table.plan("other").orElseThrow().get(0).channel().name());
        assertTrue(table.plan("nope").isEmpty());
        assertEquals(List.of("gpt-4o", "other"), table.modelNames());
    }
}
