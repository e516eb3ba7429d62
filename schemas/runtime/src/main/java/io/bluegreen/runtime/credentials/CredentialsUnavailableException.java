package io.bluegreen.runtime.credentials;

/**
 * The store that holds a reference's credentials could not be read (not reachable, throttled, access denied, a key
 * that cannot decrypt it). Says which reference, which secret and what the store answered, never a secret value;
 * {@link #retryable()} when trying again later may help (the store was not reached or was busy).
 */
public final class CredentialsUnavailableException extends RuntimeException {

    private final String reference;
    private final boolean retryable;

    public CredentialsUnavailableException(String reference, String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.reference = reference;
        this.retryable = retryable;
    }

    public String reference() {
        return reference;
    }

    public boolean retryable() {
        return retryable;
    }
}
