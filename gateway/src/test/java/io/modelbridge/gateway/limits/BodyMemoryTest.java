package io.modelbridge.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelbridge.gateway.error.GatewayException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BodyMemoryTest {
    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void readsWhatReadNBytesWouldAndHoldsItUntilClosed() throws IOException {
        BodyMemory memory = new BodyMemory(1_000_000);
        byte[] body = bytes(300_001); // five pieces and a bit
        try (BodyMemory.Hold hold = memory.hold()) {
            assertArrayEquals(body, hold.readNBytes(new ByteArrayInputStream(body), 400_000), "stops at the end");
            assertEquals(300_001, memory.held(), "the room of what was read, not of what was asked for");
            assertArrayEquals(new byte[0], hold.readNBytes(new ByteArrayInputStream(new byte[0]), 10));
            assertArrayEquals(bytes(100), hold.readNBytes(new ByteArrayInputStream(bytes(100)), 100));
            assertEquals(300_101, memory.held());
        }
        assertEquals(0, memory.held());
    }

    @Test
    void aPiecePastTheBudgetFailsTheRequestAndItsRoomComesBackWithTheClose() throws IOException {
        BodyMemory memory = new BodyMemory(200_000);
        BodyMemory.Hold first = memory.hold();
        first.readNBytes(new ByteArrayInputStream(bytes(150_000)), 150_000);
        try (BodyMemory.Hold second = memory.hold()) {
            GatewayException busy = assertThrows(GatewayException.class,
                    () -> second.readNBytes(new ByteArrayInputStream(bytes(100_000)), 100_000));
            assertEquals(503, busy.error().status());
            assertEquals("server_busy", busy.error().code());
            assertEquals("1", busy.headers().get("Retry-After"));
            assertEquals(150_000, memory.held(), "the piece that did not fit was not taken");
        }
        first.close();
        assertEquals(0, memory.held());
        try (BodyMemory.Hold third = memory.hold()) {
            assertEquals(200_000, third.readNBytes(new ByteArrayInputStream(bytes(200_000)), 200_000).length,
                    "the whole budget is there again");
        }
    }
}
