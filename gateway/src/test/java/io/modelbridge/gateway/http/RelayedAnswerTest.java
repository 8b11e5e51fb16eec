package io.modelbridge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelbridge.spi.ChatPassthrough.Span;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Splicing the gateway's values into an upstream's text, by the text's character places, whatever its characters. */
class RelayedAnswerTest {
    private static final String EVENT = "{\"model\":\"m-up\",\"id\":\"c-up\",\"created\":1700000000,"
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"finish_reason\":null}],\"usage\":null}";

    @Test
    void valuesGoInTheirPlacesAndAnEmptyValueCutsItsPlace() {
        for (String content : new String[] {"plain", "\u4f60\u597d", "\ud83d\ude00 emoji"}) {
            String text = EVENT.formatted(content);
            Span[] spans = {at(text, "\"c-up\""), at(text, "1700000000"), at(text, "\"m-up\""),
                at(text, ",\"usage\":null")};
            byte[][] values = RelayedAnswer.values("chatcmpl-mine", 1767225601L, "\u6a21\u578b \"x\"");
            byte[] spliced = RelayedAnswer.spliced(text, spans,
                    new byte[][] {values[0], values[1], values[2], new byte[0]});
            assertEquals("{\"model\":\"\u6a21\u578b \\\"x\\\"\",\"id\":\"chatcmpl-mine\",\"created\":1767225601,"
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}]}",
                    new String(spliced, StandardCharsets.UTF_8), content);
        }
    }

    private static Span at(String text, String value) {
        int start = text.indexOf(value);
        return new Span(start, start + value.length());
    }
}
