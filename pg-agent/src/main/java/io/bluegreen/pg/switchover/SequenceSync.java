package io.bluegreen.pg.switchover;

import io.bluegreen.pg.replication.ObjectNames;
import io.bluegreen.pg.replication.PgSession;
import io.bluegreen.pg.replication.ReplicationAdmin;
import io.bluegreen.pg.replication.Sql;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.runtime.agent.StepFailure;
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
    public record Target(long value, boolean called) {
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

    /** Green's sequences as they are: nothing changes them but a sync (logical replication does not carry them). */
    public record GreenSequences(Map<String, Target> values) {
    }

    private static final String ALL = "SELECT schemaname, sequencename, last_value, start_value, increment_by FROM pg_sequences "
            + "WHERE schemaname NOT IN ('pg_catalog', 'information_schema', ?) ORDER BY 1, 2";
    private static final PgSession.Row<BlueSequence> ROW = rs -> new BlueSequence(rs.getString(1), rs.getString(2),
            (Long) rs.getObject(3), rs.getLong(4), rs.getLong(5));

    /** Reads Green's side, before the window: its values move only when a sync sets them. */
    public GreenSequences readGreen(PgSession green) throws SQLException {
        Map<String, Target> onGreen = new LinkedHashMap<>();
        for (BlueSequence g : green.list(ALL, ROW, ObjectNames.SCHEMA)) {
            onGreen.put(g.qualified(), g.lastValue() == null ? new Target(g.startValue(), false) : new Target(g.lastValue(), true));
        }
        green.execute("SET default_transaction_read_only = off");
        return new GreenSequences(onGreen);
    }

    public Synced syncOn(PgSession blue, PgSession green, long margin) throws SQLException {
        return syncOn(blue, green, readGreen(green), margin);
    }

    /**
     * Sets Green's sequences from Blue's, inside the window: one read on Blue, then one statement on Green setting
     * every sequence that differs from what {@code onGreen} holds.
     */
    public Synced syncOn(PgSession blue, PgSession green, GreenSequences onGreen, long margin) throws SQLException {
        List<BlueSequence> sequences = blue.list(ALL, ROW, ObjectNames.SCHEMA);
        Map<String, Long> values = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        List<String> setvals = new ArrayList<>();
        for (BlueSequence sequence : sequences) {
            Target current = onGreen.values().get(sequence.qualified());
            if (current == null) {
                missing.add(sequence.qualified());
                continue;
            }
            Target target = target(sequence, margin);
            values.put(sequence.qualified(), target.value());
            if (!current.equals(target)) {
                setvals.add(Sql.setvalOf(sequence.schema(), sequence.name(), target.value(), target.called()));
            }
        }
        if (missing.isEmpty() && !setvals.isEmpty()) {
            green.execute("SELECT " + String.join(", ", setvals));
        }
        int changed = setvals.size();
        if (!missing.isEmpty()) {
            throw new StepFailure(FailureReason.NOT_FOUND, false, missing.size() + " sequence(s) of Blue do not exist on "
                    + green.where() + ": " + String.join(", ", missing)
                    + "; create them on Green (DDL is not replicated) and switch over again");
        }
        return new Synced(values, changed);
    }
}
