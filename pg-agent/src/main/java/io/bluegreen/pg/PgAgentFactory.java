package io.bluegreen.pg;

import io.bluegreen.pg.replication.JdbcReplicationAdmin;
import io.bluegreen.pg.replication.ReplicationAdmin;
import io.bluegreen.pg.replication.Secrets;
import io.bluegreen.pg.switchover.DrainMethod;
import io.bluegreen.pg.switchover.SnapshotKeeper;
import io.bluegreen.runtime.agent.AgentSteps;
import io.bluegreen.runtime.credentials.CredentialsResolver;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.time.Clock;
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
    @Bean(preDestroy = "close")
    SnapshotKeeper snapshotKeeper(@Value("${bluegreen.pg.verification.snapshot-ttl:30m}") Duration ttl) {
        return new SnapshotKeeper(ttl, Clock.systemUTC());
    }

    @Singleton
    @Named("pg")
    AgentSteps pgSteps(ReplicationAdmin admin, SnapshotKeeper snapshots,
                       @Value("${bluegreen.pg.fence.termination-timeout:30s}") Duration terminationTimeout,
                       @Value("${bluegreen.pg.drain-method:MARKER}") DrainMethod drainMethod) {
        return PgSteps.of(admin, terminationTimeout, drainMethod, snapshots);
    }
}
