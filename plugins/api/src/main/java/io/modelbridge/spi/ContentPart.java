package io.modelbridge.spi;

import java.util.Map;

/** One part of a message's content. */
public sealed interface ContentPart {

    /** {@code {"type":"text","text":...}}, or a plain string content. */
    record Text(String text) implements ContentPart {}

    /** {@code {"type":"image_url","image_url":{"url":...,"detail":...}}}; detail may be null. */
    record ImageUrl(String url, String detail) implements ContentPart {}

    /** Any other part type (audio, file, ...), kept as the client sent it. */
    record Other(String type, Map<String, Object> raw) implements ContentPart {
        public Other {
            raw = JsonValues.copy(raw);
        }
    }
}
