package io.modelbridge.gateway.responses;

import static io.modelbridge.db.jooq.Tables.STORED_RESPONSES;
import static io.modelbridge.db.jooq.Tables.STORED_RESPONSE_ITEMS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.db.Database;
import io.modelbridge.db.DbSettings;
import io.modelbridge.db.repo.UserRepository;
import io.modelbridge.gateway.config.ResponsesConfig;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.limits.BodyMemory;
import io.modelbridge.gateway.pipeline.RequestContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store over a real embedded PostgreSQL: a response is its owner's alone, disappears with its retention and its
 * user, a conversation comes back oldest first within its bounds, and the sweep deletes only what expired.
 */
@Timeout(120)
class PostgresResponseStoreTest {
    private static final Instant START = Instant.parse("2026-06-01T12:00:00Z");
    private static final Duration RETENTION = Duration.ofDays(30);
    private static final AtomicLong NEXT = new AtomicLong();
    @TempDir
    static Path dir;
    static Database db;
    private final MovableClock clock = new MovableClock();
    private PostgresResponseStore store;
    private long alice;
    private long bob;

    @BeforeAll
    static void start() {
        db = Database.start(DbSettings.embedded(dir.resolve("data")));
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void twoUsers() {
        store = new PostgresResponseStore(db.dsl(), new ResponsesConfig(RETENTION, 1024), clock);
        alice = user("alice");
        bob = user("bob");
    }

    @Test
    void theOwnerReadsTheResponseByteForByteAsItWasSaved() {
        String response = "{\"id\":\"resp_1\",  \"object\":\"response\",\"output\":[ ],\"z\":1,\"a\":\"é\"}";
        StoredResponse saved = new StoredResponse(id(), alice, 7, "gpt-x", null,
                "[{\"id\":\"msg_1\",\"type\":\"message\"}]", response, START);
        assertTrue(store.save(saved));
        assertEquals(Optional.of(saved), store.find(saved.id(), alice));
    }

    @Test
    void anotherUsersResponseIsAbsentForReadingChainingAndDeleting() {
        StoredResponse theirs = save(alice, null);
        assertEquals(Optional.empty(), store.find(theirs.id(), bob));
        assertEquals(List.of(), store.conversation(theirs.id(), bob));
        assertFalse(store.delete(theirs.id(), bob));
        assertTrue(store.find(theirs.id(), alice).isPresent(), "bob's delete must not touch alice's response");
        // bob continuing alice's id gets only his own response back: her turn is not part of his conversation
        StoredResponse his = save(bob, theirs.id());
        assertEquals(List.of(his), store.conversation(his.id(), bob));
    }

    @Test
    void aResponsePastItsRetentionIsAbsentThoughNotYetSwept() {
        StoredResponse r = save(alice, null);
        clock.now = START.plus(RETENTION).minusSeconds(1);
        assertTrue(store.find(r.id(), alice).isPresent());
        clock.now = START.plus(RETENTION);
        assertEquals(Optional.empty(), store.find(r.id(), alice));
        assertEquals(List.of(), store.conversation(r.id(), alice));
        assertFalse(store.delete(r.id(), alice));
        assertEquals(1, rows(r.id()), "still in the table until the sweep");
    }

    @Test
    void theSweepDeletesExpiredResponsesAndKeepsTheRest() {
        StoredResponse old = save(alice, null);
        clock.now = START.plus(Duration.ofDays(1));
        StoredResponse newer = save(alice, null);
        clock.now = START.plus(RETENTION).plusSeconds(1);
        int removed = store.sweep();
        assertTrue(removed >= 1, "removed " + removed);
        assertEquals(0, rows(old.id()));
        assertEquals(1, rows(newer.id()));
        assertEquals(Optional.of(newer), store.find(newer.id(), alice));
    }

    @Test
    void theSweepDeletesMoreThanOneBatch() {
        clock.now = START.minus(Duration.ofDays(400)); // expired before every other test's rows
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < PostgresResponseStore.SWEEP_BATCH + 20; i++) {
            ids.add(save(bob, null).id());
        }
        clock.now = START.minus(Duration.ofDays(300));
        StoredResponse kept = save(bob, null);
        assertEquals(PostgresResponseStore.SWEEP_BATCH + 20, store.sweep());
        assertEquals(0, db.dsl().fetchCount(STORED_RESPONSES, STORED_RESPONSES.ID.in(ids)));
        assertEquals(1, rows(kept.id()));
    }

    @Test
    void aConversationComesBackOldestFirstFromAnyOfItsResponses() {
        StoredResponse first = save(alice, null);
        StoredResponse second = save(alice, first.id());
        StoredResponse third = save(alice, second.id());
        save(alice, second.id()); // a branch from the second turn: not part of the third's conversation
        assertEquals(List.of(first, second, third), store.conversation(third.id(), alice));
        assertEquals(List.of(first, second), store.conversation(second.id(), alice));
        assertEquals(List.of(), store.conversation("resp_absent", alice));
    }

    @Test
    void aConversationEndsWhereAnEarlierResponseWasDeleted() {
        StoredResponse first = save(alice, null);
        StoredResponse second = save(alice, first.id());
        StoredResponse third = save(alice, second.id());
        assertTrue(store.delete(second.id(), alice));
        assertEquals(List.of(third), store.conversation(third.id(), alice));
    }

    @Test
    void aConversationLongerThanTheBoundIsA400() {
        store = new PostgresResponseStore(db.dsl(), new ResponsesConfig(RETENTION, 64 * 1024), clock); // bytes aside
        StoredResponse last = null;
        for (int i = 0; i < ResponsesConfig.CONVERSATION_LENGTH; i++) {
            last = save(alice, last == null ? null : last.id());
        }
        assertEquals(ResponsesConfig.CONVERSATION_LENGTH, store.conversation(last.id(), alice).size());
        StoredResponse oneMore = save(alice, last.id());
        GatewayException e = assertThrows(GatewayException.class, () -> store.conversation(oneMore.id(), alice));
        assertEquals(400, e.error().status());
        assertEquals("previous_response_id", e.error().param());
    }

    @Test
    void aConversationLargerThanItsByteBoundIsA400() {
        // each response ~1000 bytes; the bound is 8 x 1024
        StoredResponse last = null;
        for (int i = 0; i < 8; i++) {
            last = save(alice, last == null ? null : last.id(), 1000);
        }
        assertEquals(8, store.conversation(last.id(), alice).size());
        StoredResponse ninth = save(alice, last.id(), 1000);
        GatewayException e = assertThrows(GatewayException.class, () -> store.conversation(ninth.id(), alice));
        assertEquals(400, e.error().status());
    }

    /** A replay takes its room from the request's body memory before it is read: past it, 503 server_busy. */
    @Test
    void aConversationReplayTakesItsRoomFromTheBodyMemory() {
        StoredResponse last = null;
        for (int i = 0; i < 4; i++) {
            last = save(alice, last == null ? null : last.id(), 1000);
        }
        String id = last.id();
        BodyMemory memory = new BodyMemory(3_500);
        try (BodyMemory.Hold hold = memory.hold(); RequestContext.Scope scope = RequestContext.open("req_x", hold)) {
            GatewayException e = assertThrows(GatewayException.class, () -> store.conversation(id, alice));
            assertEquals(503, e.error().status());
            assertEquals("server_busy", e.error().code());
        }
        memory = new BodyMemory(4_000);
        try (BodyMemory.Hold hold = memory.hold(); RequestContext.Scope scope = RequestContext.open("req_y", hold)) {
            assertEquals(4, store.conversation(id, alice).size());
            assertEquals(4_000, memory.held(), "held until the request ends");
        }
        assertEquals(0, memory.held());
    }

    @Test
    void itemsAreFoundByTheirIdsInTheirOwnersUnexpiredResponsesOnly() {
        StoredResponse first = withItems(alice, "[{\"id\":\"msg_in1\",\"type\":\"message\"}]", "fc_out1");
        StoredResponse other = withItems(alice, "[]", "fc_out2");
        withItems(bob, "[]", "fc_bobs");
        assertEquals(Set.of(first.id()), ids(store.holding(List.of("fc_out1"), alice)));
        assertEquals(Set.of(first.id()), ids(store.holding(List.of("msg_in1"), alice)), "input items too");
        assertEquals(Set.of(first.id(), other.id()), ids(store.holding(List.of("fc_out1", "fc_out2", "no"), alice)));
        assertEquals(List.of(), store.holding(List.of("fc_bobs"), alice), "another user's item");
        assertEquals(List.of(), store.holding(List.of("fc_out1"), bob));

        clock.now = START.plus(RETENTION).plusSeconds(1);
        assertEquals(List.of(), store.holding(List.of("fc_out1"), alice), "past the retention");
    }

    @Test
    void anIdResentInALaterResponseIsFoundThereAndGoesWithItsResponse() {
        StoredResponse first = withItems(alice, "[]", "fc_shared");
        clock.now = START.plusSeconds(1);
        StoredResponse later = withItems(alice, "[{\"id\":\"fc_shared\",\"type\":\"function_call\"}]", "msg_x");
        assertEquals(Set.of(later.id()), ids(store.holding(List.of("fc_shared"), alice)));
        assertTrue(store.delete(later.id(), alice));
        assertEquals(List.of(), store.holding(List.of("fc_shared"), alice),
                "deleted with the newest response that held it, though an older one still does");
        assertTrue(store.find(first.id(), alice).isPresent());
        assertEquals(0, db.dsl().fetchCount(STORED_RESPONSE_ITEMS, STORED_RESPONSE_ITEMS.RESPONSE_ID.eq(later.id())));
    }

    @Test
    void aResponseWithMoreItemsThanOneStatementTakesIsStoredWithAllOfThem() {
        StringBuilder input = new StringBuilder("[");
        int count = 22_001; // three bind values each: more than the 65,535 one statement takes
        for (int i = 0; i < count; i++) {
            input.append(i == 0 ? "" : ",").append("{\"id\":\"m").append(i).append("\"}");
        }
        PostgresResponseStore large = new PostgresResponseStore(db.dsl(), new ResponsesConfig(RETENTION, 1 << 20),
                clock);
        StoredResponse r = new StoredResponse(id(), alice, 1, "gpt-x", null, input.append("]").toString(),
                "{\"output\":[]}", clock.now);
        assertTrue(large.save(r));
        assertEquals(count, db.dsl().fetchCount(STORED_RESPONSE_ITEMS, STORED_RESPONSE_ITEMS.RESPONSE_ID.eq(r.id())));
        assertEquals(Set.of(r.id()), ids(large.holding(List.of("m0", "m" + (count - 1)), alice)));
    }

    @Test
    void theResponsesItemsReadAreBoundedAndTakeTheirRoomFromTheBodyMemory() {
        List<String> calls = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            calls.add("fc_out_" + save(alice, null, 1000).id());
        }
        GatewayException tooMuch = assertThrows(GatewayException.class, () -> store.holding(calls, alice));
        assertEquals(400, tooMuch.error().status(), "9 responses of 1000 bytes, over 8 × the 1024-byte cap");
        BodyMemory memory = new BodyMemory(8_000);
        try (BodyMemory.Hold hold = memory.hold(); RequestContext.Scope scope = RequestContext.open("req_z", hold)) {
            assertEquals(8, store.holding(calls.subList(0, 8), alice).size());
            assertEquals(8_000, memory.held());
        }
    }

    @Test
    void aResponseOverTheSizeCapIsNotKept() {
        StoredResponse big = response(alice, null, 1025);
        assertFalse(store.save(big));
        assertEquals(Optional.empty(), store.find(big.id(), alice));
        assertTrue(store.save(response(alice, null, 1024)));
    }

    @Test
    void aRetentionOfZeroKeepsNothing() {
        PostgresResponseStore off = new PostgresResponseStore(db.dsl(), new ResponsesConfig(Duration.ZERO, 1024), clock);
        StoredResponse r = response(alice, null, 100);
        assertFalse(off.save(r));
        assertEquals(0, rows(r.id()));
    }

    @Test
    void theOwnerDeletesOnce() {
        StoredResponse r = save(alice, null);
        assertTrue(store.delete(r.id(), alice));
        assertEquals(Optional.empty(), store.find(r.id(), alice));
        assertFalse(store.delete(r.id(), alice));
    }

    @Test
    void deletingTheUserDeletesTheirResponses() {
        long carol = user("carol");
        StoredResponse r = save(carol, null);
        assertTrue(new UserRepository(db.dsl()).find(carol).map(u -> new UserRepository(db.dsl()).delete(u.name()))
                .orElseThrow());
        assertEquals(0, rows(r.id()));
    }

    private StoredResponse save(long userId, String previous) {
        return save(userId, previous, 100);
    }

    private StoredResponse save(long userId, String previous, int bytes) {
        StoredResponse r = response(userId, previous, bytes);
        assertTrue(store.save(r));
        return r;
    }

    /** A response whose input and response JSON are {@code bytes} UTF-8 bytes together. */
    private StoredResponse response(long userId, String previous, int bytes) {
        String id = id();
        String input = "[]";
        String prefix = "{\"id\":\"" + id + "\",\"output\":[{\"id\":\"fc_out_" + id + "\"}],\"pad\":\"";
        String response = prefix + "x".repeat(bytes - input.length() - prefix.length() - 2) + "\"}";
        return new StoredResponse(id, userId, 1, "gpt-x", previous, input, response, clock.now);
    }

    /** A saved response of this input and one output item with the id {@code outputId}. */
    private StoredResponse withItems(long userId, String input, String outputId) {
        StoredResponse r = new StoredResponse(id(), userId, 1, "gpt-x", null, input,
                "{\"output\":[{\"id\":\"" + outputId + "\",\"type\":\"function_call\"}]}", clock.now);
        assertTrue(store.save(r));
        return r;
    }

    private static Set<String> ids(List<StoredResponse> responses) {
        return responses.stream().map(StoredResponse::id).collect(Collectors.toSet());
    }

    private static String id() {
        return "resp_" + NEXT.incrementAndGet() + "_" + System.nanoTime();
    }

    private static long user(String prefix) {
        return new UserRepository(db.dsl()).create(prefix + NEXT.incrementAndGet(), null, "user", true).id();
    }

    private static int rows(String id) {
        return db.dsl().fetchCount(STORED_RESPONSES, STORED_RESPONSES.ID.eq(id));
    }

    private static final class MovableClock extends Clock {
        volatile Instant now = START;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
