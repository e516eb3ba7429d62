package io.bluegreen.pg.replication;

import io.bluegreen.schemas.common.ReplicationNames;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ObjectNamesTest {

    @Test
    void followTheSeedWithAConfigurablePrefix() {
        assertEquals(new ReplicationNames("blue_green_pub_app", "blue_green_slot_app", "blue_green_sub_app"),
                ObjectNames.forDatabase(null, "app"));
        assertEquals("bg2_slot_my_db_1", ObjectNames.forDatabase("bg2", "My-DB.1").getSlot());
        assertEquals(63, ObjectNames.forDatabase("p", "x".repeat(80)).getSlot().length());
        assertEquals("pg_16384", ObjectNames.originOf(16384));
    }

    @Test
    void subscriptionOptionsDependOnBothVersions() {
        assertEquals(Map.of("binary", "true", "streaming", "on"), SubscriptionOptions.forVersions(16, 17));
        assertEquals(Map.of(), SubscriptionOptions.forVersions(13, 17));
    }
}
