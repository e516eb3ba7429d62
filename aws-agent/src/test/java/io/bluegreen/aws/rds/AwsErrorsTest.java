package io.bluegreen.aws.rds;

import io.bluegreen.runtime.agent.ErrorClassifier;
import io.bluegreen.schemas.common.FailureReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.rds.model.RdsException;

import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AwsErrorsTest {

    private static RdsException aws(String code, int status) {
        return (RdsException) RdsException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("said " + code).build()).build();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "Throttling, 400, THROTTLED, true",
            "RequestLimitExceeded, 400, THROTTLED, true",
            "InvalidDBClusterStateFault, 400, WRONG_STATE, true",
            "InvalidDBInstanceState, 400, WRONG_STATE, true",
            "DBClusterNotFoundFault, 404, NOT_FOUND, false",
            "DBInstanceNotFound, 404, NOT_FOUND, false",
            "DBSnapshotNotFound, 404, NOT_FOUND, false",
            "InvalidParameterValue, 400, INVALID_REQUEST, false",
            "InvalidParameterCombination, 400, INVALID_REQUEST, false",
            "MissingParameter, 400, INVALID_REQUEST, false",
            "DBClusterQuotaExceededFault, 400, QUOTA_EXCEEDED, false",
            "InsufficientDBInstanceCapacity, 400, QUOTA_EXCEEDED, false",
            "DBClusterAlreadyExistsFault, 400, CONFLICT, false",
            "AccessDenied, 403, PERMISSION_DENIED, false",
            "InvalidClientTokenId, 403, AUTHENTICATION_FAILED, false",
            "InternalFailure, 500, UNREACHABLE, true",
    })
    void classifiesByErrorCode(String code, int status, FailureReason reason, boolean retryable) {
        ErrorClassifier.Classified classified = AwsErrors.classify(aws(code, status), "cloning green");
        assertEquals(reason, classified.reason());
        assertEquals(retryable, classified.retryable());
        assertEquals(code, classified.errorCode());
        assertTrue(classified.message().startsWith("cloning green failed: AWS " + code), classified.message());
    }

    @Test
    void findsTheAwsErrorAnywhereInTheCauseChain() {
        RuntimeException wrapped = new IllegalStateException("outer", new UncheckedIOException("mid",
                new java.io.IOException("io", aws("DBClusterNotFoundFault", 404))));
        assertEquals(FailureReason.NOT_FOUND, AwsErrors.classify(wrapped, "x").reason());
    }

    @Test
    void anUnreachableEndpointIsRetryable() {
        ErrorClassifier.Classified classified = AwsErrors.classify(SdkClientException.create("Connection refused"), "describing");
        assertEquals(FailureReason.UNREACHABLE, classified.reason());
        assertTrue(classified.retryable());
    }

    @Test
    void somethingUnknownIsPermanentAndNamed() {
        ErrorClassifier.Classified classified = AwsErrors.classify(new IllegalArgumentException("bad"), "upgrading");
        assertEquals(FailureReason.INTERNAL, classified.reason());
        assertFalse(classified.retryable());
        assertTrue(classified.message().contains("IllegalArgumentException: bad"));
    }

    @Test
    void notFoundIsRecognisedForClustersInstancesAndSnapshots() {
        assertTrue(AwsErrors.isNotFound(aws("DBClusterNotFoundFault", 404)));
        assertTrue(AwsErrors.isNotFound(aws("DBInstanceNotFound", 404)));
        assertFalse(AwsErrors.isNotFound(aws("InvalidDBClusterStateFault", 400)));
    }

    @Test
    void familiesAndGroupNamesFollowTheEngine() {
        assertEquals("aurora-postgresql16", EngineVersions.family(io.bluegreen.schemas.common.Engine.AURORA_POSTGRESQL, 16));
        assertEquals("bluegreen-orders-logical", EngineVersions.logicalReplicationCopy("orders"));
        assertEquals("bluegreen-orders-green", EngineVersions.targetGroup("orders-green"));
        assertEquals(16, EngineVersions.major("16.13"));
    }
}
