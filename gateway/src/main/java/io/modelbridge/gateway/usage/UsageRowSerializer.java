package io.modelbridge.gateway.usage;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.modelbridge.db.repo.UsageRow;
import java.io.IOException;

/**
 * The journal's encoding of a row, written field by field: the same JSON object as the spill files' record
 * serializer (which reads it back), without its reflective calls of every accessor, on every request's path. A field
 * added to {@link UsageRow} must be added here ({@code UsageRowSerializerTest} fails until it is).
 */
final class UsageRowSerializer extends StdSerializer<UsageRow> {
    UsageRowSerializer() {
        super(UsageRow.class);
    }

    @Override
    public void serialize(UsageRow row, JsonGenerator g, SerializerProvider provider) throws IOException {
        g.writeStartObject();
        g.writeStringField("requestId", row.requestId());
        g.writeStringField("at", row.at() == null ? null : row.at().toString());
        number(g, "userId", row.userId());
        number(g, "keyId", row.keyId());
        g.writeStringField("alias", row.alias());
        g.writeStringField("channel", row.channel());
        g.writeStringField("provider", row.provider());
        g.writeStringField("upstreamModel", row.upstreamModel());
        g.writeBooleanField("stream", row.stream());
        g.writeNumberField("promptTokens", row.promptTokens());
        g.writeNumberField("completionTokens", row.completionTokens());
        number(g, "cachedPromptTokens", row.cachedPromptTokens());
        number(g, "reasoningTokens", row.reasoningTokens());
        g.writeBooleanField("estimated", row.estimated());
        g.writeNumberField("cost", row.cost());
        g.writeNumberField("latencyMs", row.latencyMs());
        number(g, "ttftMs", row.ttftMs());
        g.writeNumberField("status", row.status());
        g.writeStringField("errorCode", row.errorCode());
        g.writeStringField("clientRequestId", row.clientRequestId());
        number(g, "leaseId", row.leaseId());
        g.writeStringField("dialect", row.dialect());
        g.writeEndObject();
    }

    private static void number(JsonGenerator g, String name, Number value) throws IOException {
        g.writeFieldName(name);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeNumber(value.longValue());
        }
    }
}
