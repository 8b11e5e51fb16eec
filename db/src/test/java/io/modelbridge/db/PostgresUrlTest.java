package io.modelbridge.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PostgresUrlTest {

    @Test
    void aLibpqUrlBecomesAJdbcUrlWithItsUserAndPasswordTakenOut() {
        PostgresUrl url = PostgresUrl.parse("postgresql://gw:s3cr%40t%2Fx@db.internal:6432/mb?sslmode=verify-full"
                + "&sslrootcert=%2Fetc%2Fca.pem&application_name=edge&connect_timeout=3");
        assertEquals("jdbc:postgresql://db.internal:6432/mb?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem"
                + "&ApplicationName=edge&connectTimeout=3", url.jdbcUrl());
        assertEquals(Optional.of("gw"), url.user());
        assertEquals(Optional.of("s3cr@t/x"), url.password());
        assertEquals("public", url.schema());
    }

    @Test
    void thePostgresSchemeAndAUrlWithoutCredentialsOrPortWork() {
        PostgresUrl url = PostgresUrl.parse("postgres://db.internal/mb");
        assertEquals("jdbc:postgresql://db.internal/mb", url.jdbcUrl());
        assertEquals(Optional.empty(), url.user());
        assertEquals(Optional.empty(), url.password());
    }

    @Test
    void aUserWithoutPasswordAndSeveralHostsAreKept() {
        PostgresUrl url = PostgresUrl.parse("postgresql://gw@pg1:5432,pg2:5432/mb?target_session_attrs=read-write");
        assertEquals("jdbc:postgresql://pg1:5432,pg2:5432/mb?target_session_attrs=read-write", url.jdbcUrl());
        assertEquals(Optional.of("gw"), url.user());
        assertEquals(Optional.empty(), url.password());
    }

    @Test
    void aLibpqUrlWithoutHostMeansLocalhost() {
        assertEquals("jdbc:postgresql://localhost/mb", PostgresUrl.parse("postgresql:///mb").jdbcUrl());
        assertEquals("jdbc:postgresql://localhost:6543/mb", PostgresUrl.parse("postgresql://u:p@:6543/mb").jdbcUrl());
    }

    @Test
    void aJdbcUrlIsKeptButItsUserAndPasswordParametersComeOut() {
        PostgresUrl url = PostgresUrl.parse("jdbc:postgresql://db:5432/mb?user=gw&password=pw&sslmode=require");
        assertEquals("jdbc:postgresql://db:5432/mb?sslmode=require", url.jdbcUrl());
        assertEquals(Optional.of("gw"), url.user());
        assertEquals(Optional.of("pw"), url.password());
        assertEquals("jdbc:postgresql://db/mb", PostgresUrl.parse("jdbc:postgresql://db/mb").jdbcUrl());
    }

    @Test
    void theSchemaComesFromCurrentSchemaOrMbDbSchemaAndTheyMustAgree() {
        assertEquals("mb", PostgresUrl.parse("jdbc:postgresql://db/x?currentSchema=mb").schema());
        PostgresUrl withSchema = PostgresUrl.parse("postgresql://db/x?sslmode=require").withSchema("mb");
        assertEquals("jdbc:postgresql://db/x?sslmode=require&currentSchema=mb", withSchema.jdbcUrl());
        assertEquals("mb", PostgresUrl.schemaOf(withSchema.jdbcUrl()));
        assertEquals("jdbc:postgresql://db/x?currentSchema=mb",
                PostgresUrl.parse("jdbc:postgresql://db/x").withSchema("mb").jdbcUrl());
        assertEquals("mb", PostgresUrl.parse("jdbc:postgresql://db/x?currentSchema=mb").withSchema("mb").schema());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PostgresUrl.parse("jdbc:postgresql://db/x?currentSchema=a").withSchema("b"));
        assertTrue(e.getMessage().contains("disagree"), e.getMessage());
    }

    @Test
    void aSchemaMustBeOnePlainName() {
        for (String bad : new String[] {"mb,public", "MB", "x;drop", "\"q\"", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PostgresUrl.parse("jdbc:postgresql://db/x").withSchema(bad), bad);
            assertTrue(e.getMessage().startsWith("the database schema (MB_DB_SCHEMA"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> PostgresUrl.parse("jdbc:postgresql://db/x?currentSchema=A"));
    }

    @Test
    void otherUrlsAreRefusedAndNoMessageOrStringShowsThePassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PostgresUrl.parse("mysql://gw:hunter2@db/mb"));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> PostgresUrl.parse("postgresql://gw:hunter2%zz@db/mb"));
        assertFalse(bad.getMessage().contains("hunter2"), bad.getMessage());
        PostgresUrl url = PostgresUrl.parse("postgresql://gw:hunter2@db/mb?password=hunter3");
        assertFalse(url.toString().contains("hunter"), url.toString());
        assertFalse(url.jdbcUrl().contains("hunter"), url.jdbcUrl());
        assertEquals("jdbc:postgresql://db/mb", PostgresUrl.redact("jdbc:postgresql://gw:p/w@db/mb?password=x"));
    }
}
