package io.bluegreen.runtime.credentials;

/**
 * Credentials were asked for a host they are not bound to ({@code bluegreen.credentials.<ref>.hosts}): the password
 * is not sent there. Says which host, which reference and where the binding is configured; never the password.
 */
public final class CredentialsNotBoundException extends RuntimeException {

    public CredentialsNotBoundException(String reference, String host, HostBinding binding) {
        super("Credentials '" + reference + "' may not be sent to host '" + host + "': they are bound to "
                + (binding.patterns().isEmpty() ? "no host" : binding.patterns().toString()) + ". Add the host (or a pattern "
                + "such as *.<id>.<region>.rds.amazonaws.com) to " + HostBindings.setting(reference) + ", or name "
                + "credentials bound to it in the plan");
    }
}
