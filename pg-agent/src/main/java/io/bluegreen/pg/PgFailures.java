package io.bluegreen.pg;

import io.bluegreen.pg.replication.ErrorClass;
import io.bluegreen.pg.replication.SqlErrorClassifier;
import io.bluegreen.runtime.agent.ErrorClassifier;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.schemas.common.DatabaseTarget;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

/**
 * The pg-agent's reading of a step's exception: by SQLSTATE, walking the cause chain
 * ({@link SqlErrorClassifier}), with a message that names the step, the database and what to do.
 */
public final class PgFailures implements ErrorClassifier {

    @Override
    public Classified classify(Throwable error, SpecificRecord command, StepContext context) {
        ErrorClass classified = SqlErrorClassifier.classify(error, SqlErrorClassifier.Intent.OTHER);
        String message = context.step() + " on " + where(command) + " failed"
                + (classified.sqlState() == null ? "" : " with SQLSTATE " + classified.sqlState()) + ": "
                + error.getMessage() + hint(classified);
        return new Classified(classified.reason(), classified.retryable(), classified.sqlState(), message);
    }

    private static String where(SpecificRecord command) {
        if (command.getSchema().getField("target") != null
                && ((GenericRecord) command).get("target") instanceof DatabaseTarget target) {
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
}
