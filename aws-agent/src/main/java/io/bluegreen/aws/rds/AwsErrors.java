package io.bluegreen.aws.rds;

import io.bluegreen.runtime.agent.ErrorClassifier.Classified;
import io.bluegreen.runtime.agent.StepFailure;
import io.bluegreen.schemas.common.FailureReason;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.util.Optional;
import java.util.Set;

/**
 * Classifies AWS failures by error code, walking the cause chain, never by message text.
 * Throttling and {@code Invalid...State} are worth retrying; not found, invalid parameters, quota and
 * permission errors are permanent.
 */
public final class AwsErrors {

    private static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "RequestLimitExceeded",
            "TooManyRequestsException", "RequestThrottled", "RequestThrottledException", "SlowDown",
            "PriorRequestNotComplete", "EC2ThrottledException");
    private static final Set<String> INVALID_REQUEST = Set.of("InvalidParameterValue", "InvalidParameterCombination",
            "MissingParameter", "InvalidAction", "ValidationError", "MalformedQueryString",
            "StorageTypeNotSupported", "InvalidParameter");
    private static final Set<String> AUTH = Set.of("InvalidClientTokenId", "SignatureDoesNotMatch",
            "UnrecognizedClientException", "AuthFailure", "IncompleteSignature", "ExpiredToken", "ExpiredTokenException");
    private static final Set<String> DENIED = Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
            "OptInRequired");

    private AwsErrors() {
    }

    /** A cluster (Aurora) or instance (RDS) that does not exist, with the code AWS gives for it. */
    public static StepFailure notFound(boolean aurora, String message) {
        return new StepFailure(FailureReason.NOT_FOUND, false, aurora ? "DBClusterNotFoundFault" : "DBInstanceNotFound",
                message);
    }

    public static Optional<AwsServiceException> serviceException(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof AwsServiceException aws) {
                return Optional.of(aws);
            }
        }
        return Optional.empty();
    }

    public static String code(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "" : e.awsErrorDetails().errorCode();
    }

    public static boolean isNotFound(AwsServiceException e) {
        String code = code(e);
        return code.endsWith("NotFound") || code.endsWith("NotFoundFault");
    }

    public static boolean isAlreadyExists(Throwable error) {
        return serviceException(error).map(e -> code(e).contains("AlreadyExists")).orElse(false);
    }

    /**
     * @param what what was being done, e.g. "cloning green-upg-1 from blue-db"; becomes part of the message
     */
    public static Classified classify(Throwable error, String what) {
        Optional<AwsServiceException> aws = serviceException(error);
        if (aws.isPresent()) {
            AwsServiceException e = aws.get();
            String code = code(e);
            String said = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
            String base = what + " failed: AWS " + code + (said == null ? "" : ": " + said);
            if (THROTTLING.contains(code) || e.isThrottlingException()) {
                return new Classified(FailureReason.THROTTLED, true, code, base + "; retrying with backoff");
            }
            if (code.startsWith("Invalid") && code.contains("State")) {
                return new Classified(FailureReason.WRONG_STATE, true, code,
                        base + "; the resource is busy, waiting until it is available");
            }
            if (isNotFound(e)) {
                return new Classified(FailureReason.NOT_FOUND, false, code,
                        base + "; check the identifier and region in the plan");
            }
            if (code.contains("QuotaExceeded") || code.startsWith("InsufficientDB") || code.startsWith("Insufficient")) {
                return new Classified(FailureReason.QUOTA_EXCEEDED, false, code,
                        base + "; raise the account quota or free capacity, then retry the upgrade");
            }
            if (code.contains("AlreadyExists")) {
                return new Classified(FailureReason.CONFLICT, false, code,
                        base + "; an unrelated resource holds that name: remove it or pick another Green identifier");
            }
            if (INVALID_REQUEST.contains(code)) {
                return new Classified(FailureReason.INVALID_REQUEST, false, code,
                        base + "; fix the plan (engine version, instance class, names) and retry");
            }
            if (AUTH.contains(code)) {
                return new Classified(FailureReason.AUTHENTICATION_FAILED, false, code,
                        base + "; check the agent's AWS credentials");
            }
            if (DENIED.contains(code)) {
                return new Classified(FailureReason.PERMISSION_DENIED, false, code,
                        base + "; grant the agent's IAM role this RDS action");
            }
            boolean serverSide = e.statusCode() >= 500;
            return new Classified(serverSide ? FailureReason.UNREACHABLE : FailureReason.INTERNAL, serverSide, code,
                    base + (serverSide ? "; AWS answered with a server error, retrying" : ""));
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SdkClientException) {
                return new Classified(FailureReason.UNREACHABLE, true, null,
                        what + " failed: the RDS endpoint could not be reached (" + t.getMessage() + "); retrying");
            }
        }
        return new Classified(FailureReason.INTERNAL, false, null,
                what + " failed: " + error.getClass().getSimpleName() + ": " + error.getMessage());
    }
}
