package io.bluegreen.demo.rehearsal;

import software.amazon.awssdk.services.rds.RdsClient;

/**
 * What Blue's name resolves to, the way an application on RDS follows the rename repoint: DescribeDBInstances on
 * Blue's identifier, asked again after every failed write. Until the swap it is Blue; while the names move it is
 * briefly unknown (an exception); then it is Green, and the first resolution to Green holds Green's handed-over
 * state ({@link GreenHandover}) before any client can write there. Answers are shared for {@value #FRESH_MS} ms so
 * that clients failing together ask once.
 */
public final class BlueName {

    static final long FRESH_MS = 10;

    private final RdsClient rds;
    private final String identifier;
    private final Endpoint blue;
    private final GreenHandover handover;
    private Endpoint last;
    private long lastAt;

    /** @param blue Blue as created: another server under its name is Green */
    public BlueName(RdsClient rds, Endpoint blue, GreenHandover handover) {
        this.rds = rds;
        this.identifier = blue.identifier();
        this.blue = blue;
        this.handover = handover;
    }

    public Endpoint resolve() {
        Endpoint found;
        synchronized (this) {
            long now = System.nanoTime();
            if (last != null && now - lastAt < FRESH_MS * 1_000_000) {
                found = last;
            } else {
                found = Endpoint.of(rds.describeDBInstances(r -> r.dbInstanceIdentifier(identifier)).dbInstances().get(0));
                last = found;
                lastAt = now;
            }
        }
        if (!found.sameServer(blue) && found.major() != blue.major()) {
            handover.hold(found);
        }
        return found;
    }

    public Endpoint blue() {
        return blue;
    }
}
