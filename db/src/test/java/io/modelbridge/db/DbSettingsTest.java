package io.modelbridge.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DbSettingsTest {
    @Test
    void anExternalDatabaseNeedsNoDataDirectory() {
        DbSettings settings = new DbSettings("jdbc:postgresql://db:5432/mb", "mb", "pw", null, 4, null);
        assertFalse(settings.embedded());
    }

    @Test
    void theEmbeddedDatabaseNeedsADataDirectory() {
        assertThrows(IllegalArgumentException.class, () -> new DbSettings(null, null, null, null, 4, null));
        assertThrows(IllegalArgumentException.class, () -> new DbSettings(" ", null, null, null, 4, null));
    }
}
