package io.bluegreen.local;

import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.testbed.Postgres;
import io.bluegreen.local.testbed.WithTestBed;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mechanism the whole product stands on, proven on the test bed's real servers: a publication and then
 * a slot on PostgreSQL 16, a subscription on 17 with create_slot = false and copy_data = false. Rows committed
 * after the slot arrive on 17; rows committed before it do not.
 */
@WithTestBed
class LogicalReplicationIT {

    @Test
    void rowsCommittedAfterTheSlotArriveAndRowsBeforeItDoNot(@Postgres(16) LocalPostgres blue,
                                                            @Postgres(17) LocalPostgres green) throws Exception {
        blue.createDatabase("replication_proof");
        green.createDatabase("replication_proof");
        String ddl = "CREATE TABLE items (id bigint PRIMARY KEY, note text NOT NULL)";
        try (Connection b = blue.connect("replication_proof"); Connection g = green.connect("replication_proof");
             Statement bs = b.createStatement(); Statement gs = g.createStatement()) {
            bs.execute(ddl);
            gs.execute(ddl);
            bs.execute("INSERT INTO items VALUES (1, 'before publication')");
            bs.execute("CREATE PUBLICATION proof_pub FOR ALL TABLES");
            bs.execute("INSERT INTO items VALUES (2, 'after publication, before slot')");
            bs.execute("SELECT pg_create_logical_replication_slot('proof_slot', 'pgoutput')");
            bs.execute("INSERT INTO items VALUES (3, 'after slot, before subscription')");

            gs.execute("CREATE SUBSCRIPTION proof_sub CONNECTION '" + blue.conninfo("replication_proof")
                    + " password=" + blue.password() + "' PUBLICATION proof_pub"
                    + " WITH (create_slot = false, slot_name = 'proof_slot', copy_data = false, enabled = true)");
            bs.execute("INSERT INTO items VALUES (4, 'after subscription')");

            await().atMost(Duration.ofSeconds(30)).until(() -> ids(gs).contains(4L));
            assertEquals(List.of(3L, 4L), ids(gs), "only rows committed after the slot replicate");
            assertTrue(ids(bs).containsAll(List.of(1L, 2L, 3L, 4L)));
            assertEquals(17, green.major());
            assertTrue(green.serverVersion().startsWith("17."), green.serverVersion());
            assertTrue(blue.serverVersion().startsWith("16."), blue.serverVersion());

            gs.execute("DROP SUBSCRIPTION proof_sub");
            bs.execute("SELECT 1");
            try (ResultSet rs = bs.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'proof_slot'")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "dropping the subscription drops its slot on Blue");
            }
        }
        assertTrue(blue.readLog().contains("logical decoding"), "the server log is a readable file");
    }

    private static List<Long> ids(Statement statement) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery("SELECT id FROM items ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
