package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.common.SnapshotLsnMethod;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the steps produced for the upgrade as a whole.
 *
 * @param green             Green as far as the agents reported it
 * @param snapshotLsn       the LSN Green's data corresponds to, and how it was read
 * @param writer            where applications write after a rename repoint (Blue's name, now reaching Green)
 * @param fencedAt          when the proven switchover fenced Blue
 * @param provenAt          when it proved the drain: from then on Green has taken writes and a rollback would lose them
 * @param oldBlue           Blue after a rename repoint: its new identifier ({@code <blue>-old}) and, when the agent
 *                          read it, its endpoint then (on AWS an endpoint follows its identifier)
 */
public record UpgradeValues(Green green, Optional<String> snapshotLsn, Optional<SnapshotLsnMethod> snapshotLsnMethod,
                            Optional<Endpoint> writer, Optional<Instant> fencedAt, Optional<Instant> provenAt,
                            Optional<OldBlue> oldBlue) {

    /** Green's identifier, endpoint and version as reported, and the snapshots made for it. */
    public record Green(Optional<String> identifier, Optional<String> host, Optional<Integer> port,
                        Optional<String> engineVersion, List<String> snapshots) {

        public Green {
            snapshots = List.copyOf(snapshots);
        }
    }

    public record Endpoint(String host, int port) {
    }

    /** Blue renamed by the repoint; an endpoint absent in histories recorded before the agent reported it. */
    public record OldBlue(String identifier, Optional<Endpoint> endpoint) {
    }

    static final UpgradeValues NONE = new UpgradeValues(new Green(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), List.of()), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());

    UpgradeValues withGreen(Green next) {
        return new UpgradeValues(next, snapshotLsn, snapshotLsnMethod, writer, fencedAt, provenAt, oldBlue);
    }

    UpgradeValues withSnapshotLsn(String lsn, SnapshotLsnMethod method) {
        return new UpgradeValues(green, Optional.of(lsn), Optional.of(method), writer, fencedAt, provenAt, oldBlue);
    }

    UpgradeValues withWriter(Endpoint endpoint) {
        return new UpgradeValues(green, snapshotLsn, snapshotLsnMethod, Optional.of(endpoint), fencedAt, provenAt, oldBlue);
    }

    UpgradeValues withOldBlue(OldBlue renamed) {
        return new UpgradeValues(green, snapshotLsn, snapshotLsnMethod, writer, fencedAt, provenAt, Optional.of(renamed));
    }

    UpgradeValues withProof(Instant fenced, Instant proven) {
        return new UpgradeValues(green, snapshotLsn, snapshotLsnMethod, writer, Optional.of(fenced), Optional.of(proven), oldBlue);
    }
}
