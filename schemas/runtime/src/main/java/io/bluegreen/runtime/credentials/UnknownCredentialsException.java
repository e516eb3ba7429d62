package io.bluegreen.runtime.credentials;

/** No credentials are configured under a reference; says where they are expected. */
public final class UnknownCredentialsException extends RuntimeException {

    private final String reference;

    public UnknownCredentialsException(String reference, String whereExpected) {
        super("No credentials under reference '" + reference + "': " + whereExpected);
        this.reference = reference;
    }

    public String reference() {
        return reference;
    }
}
