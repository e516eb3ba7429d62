package io.bluegreen.pg.replication;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SqlTest {

    @Test
    void quotesIdentifiersAndLiterals() {
        assertEquals("\"app\"", Sql.ident("app"));
        assertEquals("\"we\"\"ird\"", Sql.ident("we\"ird"));
        assertEquals("'it''s'", Sql.literal("it's"));
        assertEquals("\"sales\".\"orders\"", Sql.qualified("sales.orders"));
        assertEquals("\"public\".\"orders\"", Sql.qualified("orders"));
        assertThrows(IllegalArgumentException.class, () -> Sql.ident(""));
    }

    @Test
    void publicationForAllTablesOrAList() {
        assertEquals("CREATE PUBLICATION \"blue_green_pub_app\" FOR ALL TABLES", Sql.createPublication("blue_green_pub_app", null));
        assertEquals("CREATE PUBLICATION \"p\" FOR TABLE \"public\".\"a\", \"s\".\"b\"",
                Sql.createPublication("p", List.of("a", "s.b")));
    }

    @Test
    void conninfoQuotesValuesWithSpacesQuotesAndBackslashes() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("host", "blue.example");
        parameters.put("port", "5432");
        parameters.put("password", "p a's\\w=");
        parameters.put("sslmode", null);
        assertEquals("host=blue.example port=5432 password='p a\\'s\\\\w='", Sql.conninfo(parameters));
        assertEquals("''", Sql.conninfoValue(""));
    }

    @Test
    void subscriptionStatementQuotesTheConnectionAsALiteralAndWritesBooleansBare() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("enabled", "false");
        options.put("slot_name", "blue_green_slot_app");
        options.put("streaming", "on");
        assertEquals("CREATE SUBSCRIPTION \"s\" CONNECTION 'host=h password=''x''' PUBLICATION \"p\" "
                        + "WITH (enabled = false, slot_name = 'blue_green_slot_app', streaming = 'on')",
                Sql.createSubscription("s", "host=h password='x'", "p", options));
    }

    @Test
    void fenceDigestAndSetvalStatements() {
        assertEquals("CREATE TRIGGER \"bluegreen_write_fence\" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
                        + "\"public\".\"t\" FOR EACH STATEMENT EXECUTE FUNCTION \"bluegreen\".\"refuse_write\"()",
                Sql.createFenceTrigger("public", "t", "bluegreen_write_fence", "\"bluegreen\".\"refuse_write\""));
        assertEquals("ALTER DATABASE \"app\" SET default_transaction_read_only = on",
                Sql.alterDatabaseSet("app", "default_transaction_read_only", "on"));
        assertEquals("setval('\"public\".\"Order_id_seq\"'::regclass, 42, true)", Sql.setvalOf("public", "Order_id_seq", 42, true));
        assertEquals("SELECT count(*), NULL FROM \"public\".\"t\"", Sql.tableDigest("public", "t", false));
    }
}
