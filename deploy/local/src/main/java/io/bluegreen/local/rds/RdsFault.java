package io.bluegreen.local.rds;

/**
 * An RDS error as AWS answers it: the error code the SDK maps to its typed exception, the HTTP status, and a
 * message that says what is wrong and what to do. Never carries a password.
 */
public final class RdsFault extends RuntimeException {

    private final String code;
    private final int httpStatus;

    public RdsFault(String code, int httpStatus, String message) {
        super(message);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** "Sender" for the caller's mistakes (4xx), "Receiver" for the emulator's own failures (5xx). */
    public String type() {
        return httpStatus >= 500 ? "Receiver" : "Sender";
    }

    static RdsFault missingParameter(String name) {
        return new RdsFault("MissingParameter", 400, "The request must contain the parameter " + name);
    }

    static RdsFault invalidParameter(String message) {
        return new RdsFault("InvalidParameterValue", 400, message);
    }

    static RdsFault invalidCombination(String message) {
        return new RdsFault("InvalidParameterCombination", 400, message);
    }

    static RdsFault invalidAction(String action) {
        return new RdsFault("InvalidAction", 400, "The action " + action + " is not valid for this web service"
                + " (the local RDS endpoint answers: " + String.join(", ", ControlPlane.ACTIONS) + ")");
    }

    static RdsFault clusterNotFound(String id) {
        return new RdsFault("DBClusterNotFoundFault", 404, "DBCluster " + id + " not found.");
    }

    static RdsFault instanceNotFound(String id) {
        return new RdsFault("DBInstanceNotFound", 404, "DBInstance " + id + " not found.");
    }

    static RdsFault snapshotNotFound(String id) {
        return new RdsFault("DBSnapshotNotFound", 404, "DBSnapshot " + id + " not found.");
    }

    static RdsFault clusterSnapshotNotFound(String id) {
        return new RdsFault("DBClusterSnapshotNotFoundFault", 404, "DBClusterSnapshot " + id + " not found.");
    }

    static RdsFault parameterGroupNotFound(String name, boolean cluster) {
        return cluster
                ? new RdsFault("DBClusterParameterGroupNotFound", 404, "DBClusterParameterGroup not found: " + name)
                : new RdsFault("DBParameterGroupNotFound", 404, "DBParameterGroup not found: " + name);
    }

    static RdsFault clusterState(String id, String status, String wanted) {
        return new RdsFault("InvalidDBClusterStateFault", 400, "DB cluster " + id + " is " + status
                + "; " + wanted);
    }

    static RdsFault instanceState(String id, String status, String wanted) {
        return new RdsFault("InvalidDBInstanceState", 400, "DB instance " + id + " is " + status + "; " + wanted);
    }
}
