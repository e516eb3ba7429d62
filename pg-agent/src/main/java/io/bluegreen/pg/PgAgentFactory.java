package io.bluegreen.pg;

import io.bluegreen.pg.replication.JdbcReplicationAdmin;
import io.bluegreen.pg.replication.ReplicationAdmin;
import io.bluegreen.pg.replication.Secrets;
import io.bluegreen.pg.switchover.DrainMethod;
import io.bluegreen.pg.switchover.SnapshotKeeper;
import io.bluegreen.schemas.credentials.CredentialsResolver;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Duration;

/** Wires the plain-Java steps from configuration ({@code bluegreen.pg.*}, see the module README). */
@Factory
public class PgAgentFactory {

    @Singleton
    Secrets secrets() {
        return new Secrets();
    }

    @Singleton
    ReplicationAdmin replicationAdmin(CredentialsResolver credentials, Secrets secrets,
                                      @Value("${bluegreen.pg.application-name:bluegreen-pg-agent}") String applicationName,
                                      @Value("${bluegreen.pg.ssl-mode:prefer}") String sslMode,
                                      @Value("${bluegreen.pg.connect-timeout-seconds:10}") int connectTimeoutSeconds) {
        return new JdbcReplicationAdmin(credentials, secrets,
                new JdbcReplicationAdmin.Settings(applicationName, sslMode, connectTimeoutSeconds));
    }

    @Singleton
    @io.micronaut.context.annotation.Bean(preDestroy = "close")
    SnapshotKeeper snapshotKeeper(@Value("${bluegreen.pg.verification.snapshot-ttl:30m}") Duration ttl) {
        return new SnapshotKeeper(ttl, java.time.Clock.systemUTC());
    }

    @Singleton
    StepDispatcher stepDispatcher(ReplicationAdmin admin, SnapshotKeeper snapshots,
                                  @Value("${bluegreen.pg.retry.max-attempts:4}") int maxAttempts,
                                  @Value("${bluegreen.pg.retry.initial-backoff:200ms}") Duration initialBackoff,
                                  @Value("${bluegreen.pg.retry.max-backoff:5s}") Duration maxBackoff,
                                  @Value("${bluegreen.pg.max-step-wait:4m}") Duration maxStepWait,
                                  @Value("${bluegreen.pg.fence.termination-timeout:30s}") Duration terminationTimeout,
                                  @Value("${bluegreen.pg.drain-method:MARKER}") DrainMethod drainMethod,
                                  @Value("${bluegreen.pg.remembered-commands:10000}") int rememberedCommands) {
        return new StepDispatcher(admin, new StepDispatcher.Retry(maxAttempts, initialBackoff, maxBackoff), maxStepWait,
                terminationTimeout, drainMethod, rememberedCommands, snapshots);
    }
}
