package io.modelbridge.db.repo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/** Conversions between the generated column types and the records' types, and time arithmetic in SQL. */
final class Sql {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private Sql() {}

    /** {@code time} moved by {@code by} (earlier when negative), computed by PostgreSQL, to the millisecond. */
    static Field<OffsetDateTime> plus(Field<OffsetDateTime> time, Duration by) {
        return DSL.field("({0} + cast({1} as double precision) * interval '1 millisecond')",
                SQLDataType.TIMESTAMPWITHTIMEZONE, time, DSL.val(by.toMillis()));
    }

    static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    static String[] array(List<String> values) {
        return values.toArray(String[]::new);
    }

    static List<String> list(String[] values) {
        return values == null ? List.of() : List.of(values);
    }

    static JSONB jsonb(Map<String, String> map) {
        try {
            return JSONB.jsonb(JSON.writeValueAsString(map));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Map<String, String> stringMap(JSONB json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return JSON.readValue(json.data(), STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a jsonb column does not hold a string map: " + e.getOriginalMessage(), e);
        }
    }
}
