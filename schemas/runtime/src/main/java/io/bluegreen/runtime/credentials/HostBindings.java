package io.bluegreen.runtime.credentials;

import io.micronaut.core.type.Argument;
import io.micronaut.core.value.PropertyResolver;

import java.util.List;
import java.util.function.Function;

/**
 * The hosts each credentials reference may be sent to, from configuration whatever holds the credentials themselves:
 * {@code bluegreen.credentials.<ref>.hosts} (names, addresses or {@code *} patterns, see {@link HostBinding}). The one
 * check every resolver makes before it gives out a database login.
 */
public final class HostBindings {

    private final Function<String, List<String>> patternsOf;

    public HostBindings(Function<String, List<String>> patternsOf) {
        this.patternsOf = patternsOf;
    }

    /** Bindings read from {@code bluegreen.credentials.<ref>.hosts} of the service's configuration. */
    public static HostBindings from(PropertyResolver configuration) {
        return new HostBindings(reference -> configuration.getProperty(setting(reference), Argument.listOf(String.class))
                .orElse(List.of()));
    }

    /** The setting that binds a reference to its hosts. */
    public static String setting(String reference) {
        return "bluegreen.credentials." + reference + ".hosts";
    }

    public HostBinding of(String reference) {
        return new HostBinding(patternsOf.apply(reference));
    }

    /**
     * Passes when the reference is bound to {@code host}.
     *
     * @throws CredentialsNotBoundException naming the host, the reference and the setting, when it is not
     */
    public void check(String reference, String host) {
        HostBinding binding = of(reference);
        if (!binding.allows(host)) {
            throw new CredentialsNotBoundException(reference, host, binding);
        }
    }
}
