package io.modelbridge.compat;

import static io.modelbridge.compat.OpenAiJson.MAPPER;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.modelbridge.spi.ChatPassthrough;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the token readers ({@link OpenAiAnswerReader}, {@link OpenAiChunkReader}) share: each reads the usual shape
 * in one pass and throws {@link #UNUSUAL} anywhere else, so that the tree decides as before.
 */
final class TokenReads {
    /** Thrown where the JSON is not of the usual shape: the tree decides then (no stack trace, never escapes). */
    private static final class Unusual extends RuntimeException {
        Unusual() {
            super(null, null, false, false);
        }
    }

    static final RuntimeException UNUSUAL = new Unusual();

    private TokenReads() {}

    /** An unmodelled field as a plain value, in the order it came; a name given twice is left to the tree. */
    static Map<String, Object> extra(Map<String, Object> extras, String name, JsonParser p) throws IOException {
        return put(extras, name, MAPPER.readValue(p, Object.class));
    }

    /** Adds {@code name} to {@code extras} (made when null); a name given twice is left to the tree. */
    static Map<String, Object> put(Map<String, Object> extras, String name, Object value) {
        Map<String, Object> all = extras == null ? new LinkedHashMap<>() : extras;
        if (all.containsKey(name)) {
            throw UNUSUAL;
        }
        all.put(name, value);
        return all;
    }

    /** Marks field {@code bit} as seen; a name given twice is left to the tree (whose last value wins). */
    static int once(int seen, int bit) {
        if ((seen & (1 << bit)) != 0) {
            throw UNUSUAL;
        }
        return seen | (1 << bit);
    }

    /** The place in the text of the value just read (a string or number token), its text read to the end. */
    static ChatPassthrough.Span span(JsonParser p) throws IOException {
        p.finishToken();
        return new ChatPassthrough.Span((int) p.currentTokenLocation().getCharOffset(),
                (int) p.currentLocation().getCharOffset());
    }

    static String optionalString(JsonToken t, JsonParser p) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw UNUSUAL;
        }
        return p.getText();
    }
}
