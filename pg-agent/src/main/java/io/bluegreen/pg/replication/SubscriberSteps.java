package io.bluegreen.pg.replication;

import io.bluegreen.runtime.agent.StepFailure;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.schemas.Lsn;
import io.bluegreen.schemas.command.pg.AdvanceOrigin;
import io.bluegreen.schemas.command.pg.AnalyzeDatabase;
import io.bluegreen.schemas.command.pg.CreateSubscription;
import io.bluegreen.schemas.command.pg.DisableSubscription;
import io.bluegreen.schemas.command.pg.DropClonedReplicationObjects;
import io.bluegreen.schemas.command.pg.DropSubscription;
import io.bluegreen.schemas.command.pg.EnableSubscription;
import io.bluegreen.schemas.common.DatabaseTarget;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.ReplicationNames;
import io.bluegreen.schemas.result.SubscriptionCreated;
import org.apache.avro.specific.SpecificRecord;

import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Steps on Green, the subscriber: cleaning a clone, the subscription (both seeding ways), enable / disable / drop,
 * ANALYZE. Green is a clone of Blue: a subscription never copies data and never makes its own slot.
 */
public final class SubscriberSteps {

    private final ReplicationAdmin admin;
    public SubscriberSteps(ReplicationAdmin admin) {
        this.admin = admin;
    }

    public SpecificRecord dropClonedObjects(StepContext ctx, DropClonedReplicationObjects command) throws SQLException {
        ReplicationNames names = command.getNames();
        try (PgSession green = admin.open(command.getTarget())) {
            boolean slot = Catalog.slot(green, names.getSlot()).isPresent();
            if (slot) {
                try {
                    green.execute("SELECT pg_drop_replication_slot(" + Sql.literal(names.getSlot()) + ")");
                } catch (SQLException e) {
                    if (SqlErrorClassifier.classify(e, SqlErrorClassifier.Intent.DROP).kind() != ErrorClass.Kind.ALREADY_DONE) {
                        throw e;
                    }
                }
            }
            boolean publication = Catalog.publicationExists(green, names.getPublication());
            if (publication) {
                green.execute("DROP PUBLICATION IF EXISTS " + Sql.ident(names.getPublication()));
            }
            boolean nothing = !slot && !publication;
            return ctx.succeeded(nothing ? "no cloned slot " + names.getSlot() + " or publication " + names.getPublication()
                            + " on " + green.where() : "dropped the cloned " + (slot ? "slot " + names.getSlot() + " " : "")
                            + (publication ? "publication " + names.getPublication() + " " : "") + "on " + green.where(),
                    nothing, Map.of("slotDropped", Boolean.toString(slot), "publicationDropped", Boolean.toString(publication)));
        }
    }

    public SpecificRecord createSubscription(StepContext ctx, CreateSubscription command) throws SQLException {
        ReplicationNames names = command.getNames();
        if (command.getCopyData() || command.getCreateSlot()) {
            throw new StepFailure(FailureReason.INVALID_REQUEST, false, "subscription " + names.getSubscription()
                    + " was asked to " + (command.getCopyData() ? "copy the data (copyData = true)" : "make its own slot")
                    + ", which only the removed logical-copy strategy did: Green is a clone of Blue that holds the data and "
                    + "the slot comes from CreateSlot; send copyData = false and createSlot = false (strategy snapshot)");
        }
        try (PgSession green = admin.open(command.getTarget())) {
            Optional<Catalog.Subscription> existing = Catalog.subscription(green, names.getSubscription());
            if (existing.isPresent()) {
                return alreadySubscribed(ctx, green, existing.get());
            }
            Map<String, String> options = subscribe(ctx, green, command.getSource(), names, command.getReplicationCredentialsRef(),
                    command.getEnabled());
            if (options == null) {
                return alreadySubscribed(ctx, green, Catalog.subscription(green, names.getSubscription()).orElseThrow());
            }
            SubscriptionCreated result = new SubscriptionCreated();
            result.setSubscription(names.getSubscription());
            result.setOptions(options);
            return ctx.stamp(result);
        }
    }

    private static SpecificRecord alreadySubscribed(StepContext ctx, PgSession green, Catalog.Subscription sub) {
        return ctx.succeeded("subscription " + sub.name() + " already exists on " + green.where()
                        + (sub.enabled() ? " (enabled)" : " (disabled)"), true,
                Map.of("subscription", sub.name(), "enabled", Boolean.toString(sub.enabled()),
                        "slot_name", String.valueOf(sub.slotName())));
    }

    /**
     * Creates the subscription on the slot CreateSlot made, without copying data; the options used, or null when it
     * appeared meanwhile (42710). The statement carries Blue's password: it is built here, handed to the server, and
     * never logged.
     */
    private Map<String, String> subscribe(StepContext ctx, PgSession green, DatabaseTarget blueTarget, ReplicationNames names,
                                          String replicationRef, boolean enabled)
            throws SQLException {
        int blueMajor;
        try (PgSession blue = admin.open(blueTarget)) {
            blueMajor = blue.serverMajor();
            Optional<Catalog.Slot> slot = Catalog.slot(blue, names.getSlot());
            if (slot.isEmpty()) {
                throw new StepFailure(FailureReason.WRONG_STATE, false, "slot " + names.getSlot() + " does not exist on "
                        + blue.where() + ": the subscription uses it (create_slot = false); send CreateSlot first");
            }
            if (!Catalog.publicationExists(blue, names.getPublication())) {
                throw new StepFailure(FailureReason.WRONG_STATE, false, "publication " + names.getPublication()
                        + " does not exist on " + blue.where() + ": send CreatePublication first");
            }
        }
        int greenMajor = green.serverMajor();
        Catalog.ensureMarkerTable(green);
        Map<String, String> options = new LinkedHashMap<>();
        options.put("enabled", Boolean.toString(enabled));
        options.put("create_slot", "false");
        options.put("slot_name", names.getSlot());
        options.put("copy_data", "false");
        options.putAll(SubscriptionOptions.forVersions(blueMajor, greenMajor));
        String conninfo = admin.publisherConninfo(blueTarget, replicationRef);
        Catalog.quietStatementLogging(green);
        try {
            green.execute(Sql.createSubscription(names.getSubscription(), conninfo, names.getPublication(), options));
        } catch (SQLException e) {
            if (SqlErrorClassifier.classify(e, SqlErrorClassifier.Intent.CREATE).kind() == ErrorClass.Kind.ALREADY_DONE) {
                return null;
            }
            throw e;
        }
        green.execute("COMMENT ON SUBSCRIPTION " + Sql.ident(names.getSubscription()) + " IS "
                + Sql.literal("bluegreen upgrade " + ctx.upgradeId()));
        return options;
    }

    /**
     * AWS's documented seeding: the subscription is created disabled, its origin ({@code pg_<oid>}) advanced to the
     * snapshot LSN, then enabled; Blue's slot is not advanced (no decoding of the gap on Blue).
     */
    public SpecificRecord advanceOrigin(StepContext ctx, AdvanceOrigin command) throws SQLException {
        ReplicationNames names = command.getNames();
        Lsn target = PublisherSteps.parseLsn(command.getLsn());
        try (PgSession green = admin.open(command.getTarget())) {
            Optional<Catalog.Subscription> existing = Catalog.subscription(green, names.getSubscription());
            if (existing.isEmpty() || !existing.get().enabled()) {
                // the walsender starts at max(origin, confirmed_flush): a slot already past the LSN would skip changes
                try (PgSession blue = admin.open(command.getSource())) {
                    Catalog.Slot slot = Catalog.slot(blue, names.getSlot()).orElseThrow(() -> new StepFailure(
                            FailureReason.NOT_FOUND, false, "slot " + names.getSlot() + " does not exist on " + blue.where()
                            + ": send CreateSlot first"));
                    if (SlotAdvance.decide(names.getSlot(), slot.confirmedFlush(), target) instanceof SlotAdvance.Refuse refuse) {
                        throw new StepFailure(FailureReason.DATA_LOSS_RISK, false, refuse.message());
                    }
                }
            }
            if (existing.isEmpty()) {
                subscribe(ctx, green, command.getSource(), names, command.getReplicationCredentialsRef(), false);
                existing = Catalog.subscription(green, names.getSubscription());
            }
            Catalog.Subscription sub = existing.orElseThrow();
            String origin = ObjectNames.originOf(sub.oid());
            Lsn progress = Lsn.parseNullable(green.text("SELECT pg_replication_origin_progress(?, false)::text", origin));
            Lsn known = progress == null || progress.equals(Lsn.ZERO) ? null : progress;
            if (sub.enabled()) {
                if (known != null && !known.isBefore(target)) {
                    return ctx.succeeded("origin " + origin + " of subscription " + sub.name() + " is already at "
                            + known + " and the subscription is enabled on " + green.where(), true,
                            Map.of("subscription", sub.name(), "origin", origin, "lsn", known.toString()));
                }
                throw new StepFailure(FailureReason.WRONG_STATE, false, "subscription " + sub.name() + " on " + green.where()
                        + " is already enabled and its origin " + origin + " is at " + known + ", before the snapshot LSN "
                        + target + ": it may have replayed changes Green already has; send DropSubscription, then AdvanceOrigin again");
            }
            SlotAdvance.Decision decision = SlotAdvance.decide(origin, known, target);
            if (decision instanceof SlotAdvance.Refuse refuse) {
                throw new StepFailure(FailureReason.DATA_LOSS_RISK, false, refuse.message());
            }
            if (decision instanceof SlotAdvance.Advance) {
                green.execute("SELECT pg_replication_origin_advance(" + Sql.literal(origin) + ", "
                        + Sql.literal(target.toString()) + "::pg_lsn)");
            }
            green.execute("ALTER SUBSCRIPTION " + Sql.ident(sub.name()) + " ENABLE");
            Map<String, String> details = new LinkedHashMap<>();
            details.put("subscription", sub.name());
            details.put("origin", origin);
            details.put("lsn", target.toString());
            details.put("fromLsn", String.valueOf(known));
            return ctx.succeeded("advanced origin " + origin + " to " + target + " and enabled subscription " + sub.name()
                    + " on " + green.where(), false, details);
        }
    }

    public SpecificRecord enableSubscription(StepContext ctx, EnableSubscription command) throws SQLException {
        return setEnabled(ctx, command.getTarget(), command.getNames().getSubscription(), true);
    }

    public SpecificRecord disableSubscription(StepContext ctx, DisableSubscription command) throws SQLException {
        return setEnabled(ctx, command.getTarget(), command.getNames().getSubscription(), false);
    }

    private SpecificRecord setEnabled(StepContext ctx, DatabaseTarget target, String name, boolean enabled) throws SQLException {
        try (PgSession green = admin.open(target)) {
            Catalog.Subscription sub = Catalog.subscription(green, name).orElseThrow(() -> new StepFailure(
                    FailureReason.NOT_FOUND, false, "subscription " + name + " does not exist on " + green.where()
                    + ": send CreateSubscription first"));
            boolean already = sub.enabled() == enabled;
            if (!already) {
                green.execute("ALTER SUBSCRIPTION " + Sql.ident(name) + (enabled ? " ENABLE" : " DISABLE"));
            }
            return ctx.succeeded("subscription " + name + (already ? " is already " : " is now ")
                    + (enabled ? "enabled" : "disabled") + " on " + green.where(), already,
                    Map.of("subscription", name, "enabled", Boolean.toString(enabled)));
        }
    }

    /**
     * Drops the subscription without touching Blue (slot_name = NONE first): the slot is Blue's and goes with
     * {@code DropPublicationAndSlot}, so this works while Blue is unreachable. Removes the drain marker table.
     */
    public SpecificRecord dropSubscription(StepContext ctx, DropSubscription command) throws SQLException {
        String name = command.getNames().getSubscription();
        try (PgSession green = admin.open(command.getTarget())) {
            Optional<Catalog.Subscription> sub = Catalog.subscription(green, name);
            if (sub.isPresent()) {
                if (sub.get().enabled()) {
                    green.execute("ALTER SUBSCRIPTION " + Sql.ident(name) + " DISABLE");
                }
                if (sub.get().slotName() != null) {
                    green.execute("ALTER SUBSCRIPTION " + Sql.ident(name) + " SET (slot_name = NONE)");
                }
                try {
                    green.execute("DROP SUBSCRIPTION " + Sql.ident(name));
                } catch (SQLException e) {
                    if (SqlErrorClassifier.classify(e, SqlErrorClassifier.Intent.DROP).kind() != ErrorClass.Kind.ALREADY_DONE) {
                        throw e;
                    }
                }
            }
            Catalog.dropHelperSchemaIfEmpty(green);
            return ctx.succeeded(sub.isPresent() ? "dropped subscription " + name + " on " + green.where()
                            + " (its slot on Blue stays until DropPublicationAndSlot)"
                            : "subscription " + name + " is already gone from " + green.where(), sub.isEmpty(),
                    Map.of("subscription", name));
        }
    }

    public SpecificRecord analyze(StepContext ctx, AnalyzeDatabase command) throws SQLException {
        try (PgSession green = admin.open(command.getTarget())) {
            long began = System.nanoTime();
            // the user's tables only (not ours), and none that someone holds locked: statistics need not be exact,
            // and a switchover must not wait behind a lock for them
            List<String> tables = green.list("SELECT format('%I.%I', schemaname, relname) FROM pg_stat_user_tables "
                    + "WHERE schemaname <> ? ORDER BY 1", rs -> rs.getString(1), ObjectNames.SCHEMA);
            if (!tables.isEmpty()) {
                green.execute("ANALYZE (SKIP_LOCKED) " + String.join(", ", tables));
            }
            long ms = Duration.ofNanos(System.nanoTime() - began).toMillis();
            return ctx.succeeded("analyzed " + tables.size() + " table(s) of " + green.where() + " in " + ms + " ms", false,
                    Map.of("tables", Integer.toString(tables.size()), "durationMs", Long.toString(ms)));
        }
    }
}
