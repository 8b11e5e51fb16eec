package io.modelbridge.admin.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RedactingHistoryTest {
    @Test
    void credentialsAndTokensAreMaskedInEveryForm() {
        assertEquals("channel add ds --provider deepseek --credential *** --models a",
                RedactingHistory.redact("channel add ds --provider deepseek --credential sk-abc --models a"));
        assertEquals("channel update ds --credential=***", RedactingHistory.redact("channel update ds --credential=sk-x"));
        assertEquals("channel update ds --credential *** --weight 2",
                RedactingHistory.redact("channel update ds --credential \"sk a b\" --weight 2"));
        assertEquals("channel update ds --credential ***", RedactingHistory.redact("channel update ds --credential 'x y'"));
        assertEquals("--token *** user list", RedactingHistory.redact("--token mbadm-1 user list"));
        assertEquals("user list", RedactingHistory.redact("user list"));
    }
}
