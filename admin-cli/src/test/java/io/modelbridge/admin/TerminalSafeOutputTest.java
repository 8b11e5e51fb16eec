package io.modelbridge.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Text a key holder or portal user controls reaches mbctl's tables and sentences as visible escapes, never as
 * terminal commands (ESC ] 0 ; title BEL retitles the window, ESC [2J clears the screen); json output stays the
 * exact JSON.
 */
class TerminalSafeOutputTest {
    private static final Cli CLI = Cli.gateway();
    private static final String HOSTILE = "\u001b]0;pwned\u0007\u001b[2Jlabel\u202e\u0085";

    @Test
    void hostileKeyLabelsAreEscapedInTablesAndSentencesButExactInJson() {
        CLI.run("user", "add", "ts-mallory").ok();
        JsonNode key = CLI.json("key", "create", "--user", "ts-mallory", "--label", HOSTILE).ok().json();
        assertEquals(HOSTILE, key.path("label").asText(), "the gateway keeps the label as given");
        String id = key.path("id").asText();

        for (String shown : new String[] {CLI.run("key", "list", "--user", "ts-mallory").ok().out(),
                CLI.run("key", "show", id).ok().out(), CLI.run("key", "revoke", id).ok().out()}) {
            assertTrue(shown.chars().noneMatch(c -> c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f || c == 0x202e),
                    "a control character reached the terminal: " + shown.replace("\u001b", "<ESC>"));
        }
        assertTrue(CLI.run("key", "show", id).ok().out()
                .contains("\\x1B]0;pwned\\x07\\x1B[2Jlabel\\u202E\\x85"), CLI.run("key", "show", id).out());

        JsonNode listed = CLI.json("key", "list", "--user", "ts-mallory").ok().json();
        assertEquals(HOSTILE, listed.path("data").get(0).path("label").asText(), "json output stays exact");
        assertFalse(CLI.json("key", "list", "--user", "ts-mallory").out().contains("\\x1B"));
    }
}
