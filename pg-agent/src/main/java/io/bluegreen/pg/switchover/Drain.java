package io.bluegreen.pg.switchover;

import io.bluegreen.pg.replication.Catalog;
import io.bluegreen.pg.replication.FenceCheck;
import io.bluegreen.schemas.Lsn;
import io.bluegreen.pg.replication.PgSession;
import io.bluegreen.pg.replication.ReplicationAdmin;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.runtime.agent.StepFailure;
import io.bluegreen.schemas.command.pg.DrainReplication;
import io.bluegreen.schemas.common.DatabaseTarget;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.ReplicationDrained;
import org.apache.avro.specific.SpecificRecord;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Proves that every transaction Blue committed before its fence has been applied on Green, within the
 * command's timeout. Refuses to start unless Blue is fenced:
 * without a fence, "caught up" proves nothing. The reference point is always taken on Blue after the fence,
 * never Blue's {@code sent_lsn}, which can read behind the subscriber (PITFALLS 18). Green being down is not
 * an error until the deadline: the wait reconnects, then times out naming the last error.
 */
public final class Drain {

    /** What a drain proved. */
    public record Proof(Lsn lsn, long waitedMs, DrainMethod method) {
    }

    private static final long POLL_NANOS = Duration.ofMillis(2).toNanos();

    private final ReplicationAdmin admin;
    private final DrainMethod method;

    public Drain(ReplicationAdmin admin, DrainMethod method) {
        this.admin = admin;
        this.method = method;
    }

    public SpecificRecord drain(StepContext ctx, DrainReplication command) throws SQLException, InterruptedException {
        Duration timeout = Duration.ofMillis(command.getTimeoutMs());
        Proof proof;
        try {
            proof = await(method, command.getSource(), command.getTarget(), command.getNames().getSlot(),
                    command.getNames().getSubscription(), ctx.commandId(), timeout);
        } catch (StepFailure failure) {
            if (failure.reason() != FailureReason.TIMEOUT) {
                throw failure;
            }
            throw new StepFailure(FailureReason.TIMEOUT, true, failure.getMessage() + ": Blue stays fenced; check that Green "
                    + "is up and its subscription enabled, then send DrainReplication again or UnfenceWrites");
        }
        ReplicationDrained result = new ReplicationDrained();
        result.setLsn(proof.lsn().toString());
        result.setWaitedMs(proof.waitedMs());
        result.setMethod(proof.method().name());
        return ctx.stamp(result);
    }

    /** The wait itself, usable on its own (the benchmark compares both methods with it). */
    public Proof await(DrainMethod how, DatabaseTarget blueTarget, DatabaseTarget greenTarget, String slot, String subscription,
                       String commandId, Duration timeout) throws SQLException, InterruptedException {
        long began = System.nanoTime();
        long deadline = began + timeout.toNanos();
        // MARKER: log in to Green while Blue is checked and the marker written, so the login overlaps
        CompletableFuture<PgSession> greenLogin = how == DrainMethod.MARKER
                ? CompletableFuture.supplyAsync(() -> tryOpen(greenTarget)) : null;
        boolean handedOver = false;
        try (PgSession blue = admin.open(blueTarget)) {
            requireFenced(blue);
            if (how == DrainMethod.MARKER) {
                handedOver = true;
                return marker(blue, greenLogin::join, greenTarget, subscription, commandId, began, deadline);
            }
            Lsn target = blue.currentWalLsn();
            String last = null;
            while (true) {
                Optional<Catalog.Slot> state = Catalog.slot(blue, slot);
                if (state.isEmpty()) {
                    throw new StepFailure(FailureReason.NOT_FOUND, false, "slot " + slot + " does not exist on " + blue.where()
                            + ": nothing to drain");
                }
                Lsn confirmed = state.get().confirmedFlush();
                if (confirmed != null && !confirmed.isBefore(target)) {
                    return new Proof(target, millisSince(began), how);
                }
                last = "slot " + slot + " confirmed " + confirmed + (state.get().active() ? "" : ", no subscriber streaming");
                if (System.nanoTime() > deadline) {
                    throw timeout(blue.where(), target, timeout, last);
                }
                sleepNanos(POLL_NANOS);
            }
        } finally {
            if (greenLogin != null && !handedOver) {
                greenLogin.thenAccept(session -> {
                    if (session != null) {
                        session.close();
                    }
                });
            }
        }
    }

    /**
     * The marker proof on sessions the switchover already holds (no login inside the window): writes a marker on
     * the fenced Blue and waits, on {@code green} (taken over and closed here), until Green has applied it.
     */
    public Proof proveWithMarker(PgSession blue, PgSession green, DatabaseTarget greenTarget, String subscription,
                                 String commandId, long deadlineNanos) throws SQLException, InterruptedException {
        long began = System.nanoTime();
        try {
            requireFenced(blue);
        } catch (StepFailure notFenced) {
            green.close();
            throw notFenced;
        }
        return marker(blue, () -> green, greenTarget, subscription, commandId, began, deadlineNanos);
    }

    private static void requireFenced(PgSession blue) throws SQLException {
        FenceCheck.State fence = FenceCheck.read(blue);
        if (!fence.fenced()) {
            throw new StepFailure(FailureReason.WRONG_STATE, false, "Blue " + blue.where() + " is not fenced ("
                    + fence.describe() + "): a drain proves nothing while Blue takes writes; send FenceWrites first");
        }
    }

    /**
     * Writes a unique marker on the fenced Blue and waits until Green shows it: the apply worker applies in commit
     * order, so every earlier commit is in. The Green session (taken over, closed here) is asked for only once the
     * marker is written, so a login started earlier overlaps Blue's work.
     */
    private Proof marker(PgSession blue, Supplier<PgSession> green, DatabaseTarget greenTarget, String subscription,
                         String commandId, long began, long deadlineNanos) throws SQLException, InterruptedException {
        String token = UUID.randomUUID().toString();
        blue.list("INSERT INTO " + Catalog.markerTable() + " (token, command_id) VALUES (?, ?) RETURNING token",
                rs -> rs.getString(1), token, commandId);
        Lsn written = blue.currentWalLsn();
        awaitOnGreen(green.get(), greenTarget, subscription, written, deadlineNanos,
                Duration.ofNanos(Math.max(0, deadlineNanos - began)),
                session -> session.exists("SELECT 1 FROM " + Catalog.markerTable() + " WHERE token = ?", token));
        return new Proof(written, millisSince(began), DrainMethod.MARKER);
    }

    @FunctionalInterface
    private interface GreenCondition {
        boolean holds(PgSession green) throws SQLException;
    }

    private PgSession tryOpen(DatabaseTarget greenTarget) {
        try {
            return admin.open(greenTarget);
        } catch (SQLException e) {
            return null; // retried while waiting, reported at the deadline
        }
    }

    /** Waits until the condition holds on Green, reconnecting as needed, until the deadline. */
    private void awaitOnGreen(PgSession session, DatabaseTarget greenTarget, String subscription, Lsn target,
                              long deadline, Duration timeout, GreenCondition condition) throws InterruptedException {
        String lastError = null;
        PgSession green = session;
        try {
            while (true) {
                try {
                    if (green == null) {
                        green = admin.open(greenTarget);
                        // a query blocked on Green (a lock, a stuck apply) must not outlive the deadline
                        green.execute("SET statement_timeout = " + Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                    }
                    if (condition.holds(green)) {
                        return;
                    }
                    lastError = subscriptionState(green, subscription);
                } catch (SQLException e) {
                    lastError = "Green unreachable or failing: " + e.getMessage();
                    if (green != null) {
                        green.close();
                        green = null;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw timeout(greenTarget.getDatabase() + " on GREEN " + greenTarget.getCluster().getHost() + ":"
                            + greenTarget.getCluster().getPort(), target, timeout, lastError);
                }
                sleepNanos(green == null ? Duration.ofMillis(100).toNanos() : POLL_NANOS);
            }
        } finally {
            if (green != null) {
                green.close();
            }
        }
    }

    private static String subscriptionState(PgSession green, String subscription) throws SQLException {
        return green.first("SELECT s.subenabled, st.pid IS NOT NULL, st.received_lsn::text FROM pg_subscription s "
                        + "LEFT JOIN pg_stat_subscription st ON st.subid = s.oid AND st.relid IS NULL WHERE s.subname = ?",
                rs -> "subscription " + subscription + (rs.getBoolean(1) ? " enabled" : " DISABLED")
                        + (rs.getBoolean(2) ? ", apply worker running, received up to " + rs.getString(3)
                        : ", no apply worker running"), subscription)
                .orElse("subscription " + subscription + " does not exist on Green");
    }

    private static StepFailure timeout(String where, Lsn target, Duration timeout, String last) {
        return new StepFailure(FailureReason.TIMEOUT, true, "Green has not applied Blue's commits up to " + target
                + " after " + timeout.toMillis() + " ms (" + where + "; last seen: " + last + ")");
    }

    private static long millisSince(long began) {
        return Duration.ofNanos(System.nanoTime() - began).toMillis();
    }

    private static void sleepNanos(long nanos) throws InterruptedException {
        Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }
}
