package io.modelbridge.db.repo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.jooq.JSONB;

/** Conversions between the generated column types and the records' types. */
final class Sql {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private Sql() {}

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
