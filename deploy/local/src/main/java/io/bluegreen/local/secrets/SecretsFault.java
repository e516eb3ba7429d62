package io.bluegreen.local.secrets;

/** An error the local Secrets Manager endpoint answers with AWS's type (the SDK's exception class) and status. */
final class SecretsFault extends RuntimeException {

    private final String type;
    private final int httpStatus;

    SecretsFault(String type, int httpStatus, String message) {
        super(message);
        this.type = type;
        this.httpStatus = httpStatus;
    }

    static SecretsFault notFound(String message) {
        return new SecretsFault("ResourceNotFoundException", 400, message);
    }

    static SecretsFault exists(String message) {
        return new SecretsFault("ResourceExistsException", 400, message);
    }

    static SecretsFault invalidParameter(String message) {
        return new SecretsFault("InvalidParameterException", 400, message);
    }

    static SecretsFault invalidRequest(String message) {
        return new SecretsFault("InvalidRequestException", 400, message);
    }

    String type() {
        return type;
    }

    int httpStatus() {
        return httpStatus;
    }
}
