package io.bluegreen.pg.switchover;

import io.bluegreen.pg.replication.ObjectNames;
import io.bluegreen.pg.replication.PgSession;
import io.bluegreen.pg.replication.ReplicationAdmin;
import io.bluegreen.pg.replication.Sql;
import io.bluegreen.pg.replication.StepContext;
import io.bluegreen.pg.replication.StepFailure;
import io.bluegreen.schemas.command.pg.SyncSequences;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.SequencesSynced;
import org.apache.avro.specific.SpecificRecord;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sets every sequence on Green from Blue's {@code pg_sequences.last_value} (plus the margin, in the direction
 * the sequence moves): owned by a serial or identity column or by nothing (PITFALLS 21). Logical replication
 * never carries sequences. A sequence Blue never used is reset to its start. Equal values are left alone.
 */
public final class SequenceSync {

    /** One sequence as Blue reports it. */
    record BlueSequence(String schema, String name, Long lastValue, long startValue, long increment) {
        String qualified() {
            return schema + "." + name;
        }
    }

    /** The value to set and whether {@code nextval} returns the following one ({@code is_called}). */
    record Target(long value, boolean called) {
    }

    private final ReplicationAdmin admin;

    public SequenceSync(ReplicationAdmin admin) {
        this.admin = admin;
    }

    static Target target(BlueSequence sequence, long margin) {
        if (sequence.lastValue() == null) {
            return new Target(sequence.startValue(), false);
        }
        long step = sequence.increment() >= 0 ? margin : -margin;
        return new Target(Math.addExact(sequence.lastValue(), step), true);
    }

    /** What a sync did: every sequence's value on Green, how many changed. */
    public record Synced(Map<String, Long> values, int changed) {
    }

    public SpecificRecord sync(StepContext ctx, SyncSequences command) throws SQLException {
        Synced synced;
        try (PgSession blue = admin.open(command.getSource()); PgSession green = admin.open(command.getTarget())) {
            synced = syncOn(blue, green, command.getMargin());
        }
        Map<String, Long> values = synced.values();
        if (synced.changed() == 0) {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("count", Integer.toString(values.size()));
            values.forEach((name, value) -> details.put(name, Long.toString(value)));
            return ctx.succeeded("all " + values.size() + " sequence(s) of " + command.getTarget().getDatabase()
                    + " on GREEN already match Blue", true, details);
        }
        SequencesSynced result = new SequencesSynced();
        result.setCount(values.size());
        result.setValues(values);
        return ctx.stamp(result);
    }

    /**
     * Sets Green's sequences from Blue's on sessions the caller holds (the switchover's, inside the window): one
     * read on each side, then a {@code setval} only where Green differs.
     */
    public Synced syncOn(PgSession blue, PgSession green, long margin) throws SQLException {
        String all = "SELECT schemaname, sequencename, last_value, start_value, increment_by FROM pg_sequences "
                + "WHERE schemaname NOT IN ('pg_catalog', 'information_schema', ?) ORDER BY 1, 2";
        PgSession.Row<BlueSequence> row = rs -> new BlueSequence(rs.getString(1), rs.getString(2), (Long) rs.getObject(3),
                rs.getLong(4), rs.getLong(5));
        List<BlueSequence> sequences = blue.list(all, row, ObjectNames.SCHEMA);
        Map<String, Target> onGreen = new LinkedHashMap<>();
        for (BlueSequence g : green.list(all, row, ObjectNames.SCHEMA)) {
            onGreen.put(g.qualified(), g.lastValue() == null ? new Target(g.startValue(), false) : new Target(g.lastValue(), true));
        }
        Map<String, Long> values = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        int changed = 0;
        green.execute("SET default_transaction_read_only = off");
        for (BlueSequence sequence : sequences) {
            Target current = onGreen.get(sequence.qualified());
            if (current == null) {
                missing.add(sequence.qualified());
                continue;
            }
            Target target = target(sequence, margin);
            values.put(sequence.qualified(), target.value());
            if (!current.equals(target)) {
                green.list(Sql.setval(sequence.schema(), sequence.name()), rs -> rs.getLong(1), target.value(), target.called());
                changed++;
            }
        }
        if (!missing.isEmpty()) {
            throw new StepFailure(FailureReason.NOT_FOUND, false, missing.size() + " sequence(s) of Blue do not exist on "
                    + green.where() + ": " + String.join(", ", missing)
                    + "; create them on Green (DDL is not replicated) and switch over again");
        }
        return new Synced(values, changed);
    }
}
