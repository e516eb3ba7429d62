package io.bluegreen.pg.replication;

import io.bluegreen.schemas.common.DatabaseTarget;

import java.sql.SQLException;

/**
 * The one seam between the steps and PostgreSQL: sessions to a database of Blue or Green, and the connection
 * string a subscription on Green uses to reach Blue. Credentials come from the references the commands name.
 */
public interface ReplicationAdmin {

    /** A new session to the target's database as the cluster's credentials; the caller closes it. */
    PgSession open(DatabaseTarget target) throws SQLException;

    /**
     * The libpq connection string with which Green's subscription reaches Blue's database: Blue's host, port and
     * database, the user and password of {@code replicationCredentialsRef} (Blue's own credentials when null).
     * Holds a secret: pass it to the server only, never to a message or a log line.
     */
    String publisherConninfo(DatabaseTarget blue, String replicationCredentialsRef);

    /** Masks every secret this admin has handed out. */
    String redact(String text);
}
