package io.bluegreen.local.rds;

import io.bluegreen.local.rds.Privileges.Entry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PrivilegesTest {

    @Test
    void startsFromNothingThenGrantsTheOwnersEntriesBeforeThoseOfOtherGrantors() {
        assertEquals(List.of(
                "REVOKE ALL ON TABLE sales.orders FROM PUBLIC, shop_owner",
                "GRANT SELECT, INSERT ON TABLE sales.orders TO shop_owner",
                "GRANT INSERT ON TABLE sales.orders TO writers WITH GRANT OPTION",
                "SET ROLE writers",
                "GRANT INSERT ON TABLE sales.orders TO auditor",
                "RESET ROLE"),
                Privileges.statements("TABLE", "sales.orders", null, "shop_owner", List.of(
                        new Entry("shop_owner", "shop_owner", "SELECT", false),
                        new Entry("writers", "auditor", "INSERT", false),
                        new Entry("shop_owner", "writers", "INSERT", true),
                        new Entry("shop_owner", "shop_owner", "INSERT", false))));
    }

    @Test
    void anEmptyAclRevokesEverythingIncludingPublicsDefault() {
        assertEquals(List.of("REVOKE ALL ON ROUTINE sales.f(integer) FROM PUBLIC, \"Analyst Ü\""),
                Privileges.statements("ROUTINE", "sales.f(integer)", null, "\"Analyst Ü\"", List.of()));
    }

    @Test
    void aColumnsAclOnlyAddsToTheTables() {
        assertEquals(List.of("GRANT SELECT (email), UPDATE (email) ON TABLE sales.customers TO auditor"),
                Privileges.statements("TABLE", "sales.customers", "email", "shop_owner", List.of(
                        new Entry("shop_owner", "auditor", "SELECT", false), new Entry("shop_owner", "auditor", "UPDATE", false))));
    }

    @Test
    void globalDefaultPrivilegesReplaceTheBuiltInOnesSchemaOnesAddToThem() {
        assertEquals(List.of("ALTER DEFAULT PRIVILEGES FOR ROLE shop_owner REVOKE ALL ON FUNCTIONS FROM PUBLIC, shop_owner",
                        "ALTER DEFAULT PRIVILEGES FOR ROLE shop_owner GRANT EXECUTE ON FUNCTIONS TO shop_owner"),
                Privileges.defaults("shop_owner", null, "FUNCTIONS", List.of(new Entry("shop_owner", "shop_owner", "EXECUTE", false))));
        assertEquals(List.of("ALTER DEFAULT PRIVILEGES FOR ROLE shop_owner IN SCHEMA sales GRANT SELECT ON TABLES TO readers"),
                Privileges.defaults("shop_owner", "sales", "TABLES", List.of(new Entry("shop_owner", "readers", "SELECT", false))));
    }
}
