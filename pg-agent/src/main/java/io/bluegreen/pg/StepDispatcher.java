package io.bluegreen.pg;

import io.bluegreen.pg.preflight.Preflight;
import io.bluegreen.pg.replication.ErrorClass;
import io.bluegreen.pg.replication.PublisherSteps;
import io.bluegreen.pg.replication.ReplicationAdmin;
import io.bluegreen.pg.replication.SqlErrorClassifier;
import io.bluegreen.pg.replication.StepContext;
import io.bluegreen.pg.replication.StepFailure;
import io.bluegreen.pg.replication.SubscriberSteps;
import io.bluegreen.pg.switchover.DataVerification;
import io.bluegreen.pg.switchover.Drain;
import io.bluegreen.pg.switchover.Guardrails;
import io.bluegreen.pg.switchover.SequenceSync;
import io.bluegreen.pg.switchover.SnapshotKeeper;
import io.bluegreen.pg.switchover.SwitchoverProgram;
import io.bluegreen.pg.switchover.WriteFence;
import io.bluegreen.schemas.command.pg.AdvanceOrigin;
import io.bluegreen.schemas.command.pg.AdvanceSlot;
import io.bluegreen.schemas.command.pg.AnalyzeDatabase;
import io.bluegreen.schemas.command.pg.AwaitInitialCopy;
import io.bluegreen.schemas.command.pg.CreatePublication;
import io.bluegreen.schemas.command.pg.CreateSlot;
import io.bluegreen.schemas.command.pg.CreateSubscription;
import io.bluegreen.schemas.command.pg.DisableSubscription;
import io.bluegreen.schemas.command.pg.DrainReplication;
import io.bluegreen.schemas.command.pg.DropClonedReplicationObjects;
import io.bluegreen.schemas.command.pg.DropPublicationAndSlot;
import io.bluegreen.schemas.command.pg.DropSubscription;
import io.bluegreen.schemas.command.pg.EnableSubscription;
import io.bluegreen.schemas.command.pg.FenceWrites;
import io.bluegreen.schemas.command.pg.ReadSnapshotLsn;
import io.bluegreen.schemas.command.pg.RunPreflight;
import io.bluegreen.schemas.command.pg.RunSwitchover;
import io.bluegreen.schemas.command.pg.SyncSequences;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.command.pg.VerifyData;
import io.bluegreen.schemas.common.DatabaseTarget;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.StepInProgress;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs one pg command and returns the result to publish. Plain Java, no Kafka:
 * <ul>
 *   <li>a command already answered (same command id and attempt; success or permanent failure) gets the very
 *       same result again; a new attempt runs again (the steps are idempotent);</li>
 *   <li>a retryable SQLSTATE (walking the cause chain) is retried here with exponential backoff; the steps are
 *       idempotent, so a retry after a half-done attempt finishes it;</li>
 *   <li>anything else becomes {@code StepFailed} with a classified reason; every message is scrubbed of
 *       secrets.</li>
 * </ul>
 */
public final class StepDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(StepDispatcher.class);

    /** Retry policy for transient errors. */
    public record Retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    }

    /** The command types this agent accepts. */
    public static boolean accepts(SpecificRecord message) {
        return message.getClass().getPackageName().equals(RunPreflight.class.getPackageName());
    }

    private final ReplicationAdmin admin;
    private final Preflight preflight;
    private final PublisherSteps publisher;
    private final SubscriberSteps subscriber;
    private final WriteFence fence;
    private final Drain drain;
    private final SequenceSync sequences;
    private final DataVerification verification;
    private final SwitchoverProgram switchover;
    private final Retry retry;
    private final Map<String, SpecificRecord> answered;

    public StepDispatcher(ReplicationAdmin admin, Retry retry, Duration maxStepWait, Duration terminationTimeout,
                          io.bluegreen.pg.switchover.DrainMethod drainMethod, int rememberedCommands, SnapshotKeeper snapshots) {
        this.admin = admin;
        this.retry = retry;
        this.preflight = new Preflight(admin);
        this.publisher = new PublisherSteps(admin);
        this.subscriber = new SubscriberSteps(admin, maxStepWait);
        this.fence = new WriteFence(admin, terminationTimeout);
        this.drain = new Drain(admin, drainMethod, maxStepWait);
        this.sequences = new SequenceSync(admin);
        this.verification = new DataVerification(admin, snapshots);
        this.switchover = new SwitchoverProgram(admin, fence, new Guardrails(), drain, sequences, verification, snapshots,
                Clock.systemUTC());
        this.answered = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, SpecificRecord> eldest) {
                return size() > rememberedCommands;
            }
        });
    }

    /**
     * Runs the command (or answers a repeat) and returns its result.
     *
     * @param progress receives {@code StepInProgress} records while a long step works (sent as they come)
     */
    public SpecificRecord handle(SpecificRecord command, Consumer<SpecificRecord> progress) {
        StepContext ctx = StepContext.of(command);
        String key = ctx.commandId() + "#" + ctx.attempt();
        SpecificRecord previous = answered.get(key);
        if (previous != null) {
            LOG.info("{} {} of upgrade {} was answered before: answering the same", ctx.step(), ctx.commandId(), ctx.upgradeId());
            return previous;
        }
        long began = System.nanoTime();
        SpecificRecord result = runWithRetries(ctx, command, progress);
        long ms = Duration.ofNanos(System.nanoTime() - began).toMillis();
        LOG.info("{} {} of upgrade {} -> {} in {} ms: {}", ctx.step(), ctx.commandId(), ctx.upgradeId(),
                result.getSchema().getName(), ms, admin.redact(describe(result)));
        boolean final_ = !(result instanceof StepInProgress) && !(result instanceof StepFailed f && f.getRetryable());
        if (final_) {
            answered.put(key, result);
        }
        return result;
    }

    private SpecificRecord runWithRetries(StepContext ctx, SpecificRecord command, Consumer<SpecificRecord> progress) {
        Duration backoff = retry.initialBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                return route(ctx, command, progress);
            } catch (StepFailure failure) {
                return ctx.failed(failure.reason(), failure.retryable(), failure.errorCode(), admin.redact(failure.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ctx.failed(FailureReason.INTERNAL, true, null, ctx.step() + " was interrupted (the agent is stopping)");
            } catch (Exception e) {
                ErrorClass error = SqlErrorClassifier.classify(e, SqlErrorClassifier.Intent.OTHER);
                String message = admin.redact(ctx.step() + " on " + where(command) + " failed"
                        + (error.sqlState() == null ? "" : " with SQLSTATE " + error.sqlState()) + ": " + e.getMessage()
                        + hint(error));
                if (error.retryable() && attempt < retry.maxAttempts()) {
                    LOG.warn("{} attempt {} of {}, retrying in {} ms: {}", ctx.step(), attempt, retry.maxAttempts(),
                            backoff.toMillis(), message);
                    try {
                        Thread.sleep(backoff.toMillis());
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return ctx.failed(error.reason(), true, error.sqlState(), message);
                    }
                    backoff = backoff.multipliedBy(2).compareTo(retry.maxBackoff()) > 0 ? retry.maxBackoff() : backoff.multipliedBy(2);
                    continue;
                }
                if (error.kind() == ErrorClass.Kind.PERMANENT && error.reason() == FailureReason.INTERNAL) {
                    LOG.error("{} failed unexpectedly: {}", ctx.step(), message);
                }
                return ctx.failed(error.reason(), error.retryable(), error.sqlState(), message);
            }
        }
    }

    private SpecificRecord route(StepContext ctx, SpecificRecord command, Consumer<SpecificRecord> progress) throws Exception {
        if (command instanceof RunSwitchover c) {
            return switchover.run(ctx, c);
        } else if (command instanceof RunPreflight c) {
            return preflight.run(ctx, c);
        } else if (command instanceof CreatePublication c) {
            return publisher.createPublication(ctx, c);
        } else if (command instanceof CreateSlot c) {
            return publisher.createSlot(ctx, c);
        } else if (command instanceof ReadSnapshotLsn c) {
            return publisher.readSnapshotLsn(ctx, c);
        } else if (command instanceof AdvanceSlot c) {
            return publisher.advanceSlot(ctx, c);
        } else if (command instanceof DropPublicationAndSlot c) {
            return publisher.dropPublicationAndSlot(ctx, c);
        } else if (command instanceof DropClonedReplicationObjects c) {
            return subscriber.dropClonedObjects(ctx, c);
        } else if (command instanceof CreateSubscription c) {
            return subscriber.createSubscription(ctx, c);
        } else if (command instanceof AdvanceOrigin c) {
            return subscriber.advanceOrigin(ctx, c);
        } else if (command instanceof AwaitInitialCopy c) {
            return subscriber.awaitInitialCopy(ctx, c);
        } else if (command instanceof EnableSubscription c) {
            return subscriber.enableSubscription(ctx, c);
        } else if (command instanceof DisableSubscription c) {
            return subscriber.disableSubscription(ctx, c);
        } else if (command instanceof DropSubscription c) {
            return subscriber.dropSubscription(ctx, c);
        } else if (command instanceof AnalyzeDatabase c) {
            return subscriber.analyze(ctx, c);
        } else if (command instanceof FenceWrites c) {
            return fence.fence(ctx, c);
        } else if (command instanceof UnfenceWrites c) {
            return fence.unfence(ctx, c);
        } else if (command instanceof DrainReplication c) {
            return drain.drain(ctx, c);
        } else if (command instanceof SyncSequences c) {
            return sequences.sync(ctx, c);
        } else if (command instanceof VerifyData c) {
            return verification.verify(ctx, c, detail -> progress.accept(ctx.inProgress(detail, null)));
        }
        throw new StepFailure(FailureReason.INVALID_REQUEST, false, command.getSchema().getName()
                + " is not a command the pg-agent runs");
    }

    private static String where(SpecificRecord command) {
        SpecificRecordBase base = (SpecificRecordBase) command;
        if (base.hasField("target") && base.get("target") instanceof DatabaseTarget target) {
            return target.getDatabase() + " on " + target.getRole() + " " + target.getCluster().getHost() + ":"
                    + target.getCluster().getPort();
        }
        return "the clusters of the command";
    }

    private static String hint(ErrorClass error) {
        return switch (error.reason()) {
            case AUTHENTICATION_FAILED -> "; check the credentials the command's credentials reference names";
            case PERMISSION_DENIED -> "; the login needs superuser or rds_superuser";
            case UNREACHABLE -> "; check that the server is up and reachable from the pg-agent";
            case NOT_FOUND -> "; check the database and object names of the command";
            default -> "";
        };
    }

    private static String describe(SpecificRecord result) {
        if (result instanceof StepFailed f) {
            return f.getReason() + (f.getRetryable() ? " (retryable) " : " ") + f.getMessage();
        }
        if (result instanceof StepInProgress p) {
            return p.getDetail();
        }
        if (result instanceof io.bluegreen.schemas.result.StepSucceeded s) {
            return (s.getAlreadyDone() ? "already done: " : "") + s.getSummary();
        }
        return result.toString();
    }
}
