package io.bluegreen.coordinator.security;

import io.bluegreen.runtime.credentials.Credentials;
import io.bluegreen.runtime.credentials.CredentialsResolver;
import io.bluegreen.runtime.credentials.UnknownCredentialsException;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.annotation.NonNull;
import io.micronaut.http.HttpRequest;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.security.authentication.AuthenticationFailureReason;
import io.micronaut.security.authentication.AuthenticationRequest;
import io.micronaut.security.authentication.AuthenticationResponse;
import io.micronaut.security.authentication.provider.HttpRequestAuthenticationProvider;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * HTTP Basic logins against the configured API users: the user name and password of each user's credentials
 * reference, resolved as every secret is (never configured inline in a plan or a message). The principal is the
 * user name; it is what the audit trail records for every action.
 */
@Singleton
final class ApiAuthentication<B> implements HttpRequestAuthenticationProvider<B> {

    private static final Logger LOG = LoggerFactory.getLogger(ApiAuthentication.class);

    private final List<ApiUser> users;
    private final CredentialsResolver credentials;

    ApiAuthentication(List<ApiUser> users, CredentialsResolver credentials) {
        this.users = new ArrayList<>(users);
        this.credentials = credentials;
        users.forEach(user -> Roles.granted(user.credentialsRef(), user.getRoles())); // an unknown role stops the start
    }

    @EventListener
    void onStartup(StartupEvent event) {
        if (users.isEmpty()) {
            LOG.warn("No API users are configured: every request to /upgrades is refused (401). Configure "
                    + "bluegreen.api.users.<credentials-ref>.roles: [viewer|operator|approver] and the credentials behind it");
        }
    }

    @Override
    public @NonNull AuthenticationResponse authenticate(HttpRequest<B> request,
                                                        @NonNull AuthenticationRequest<String, String> login) {
        String name = login.getIdentity();
        byte[] offered = login.getSecret().getBytes(StandardCharsets.UTF_8);
        for (ApiUser user : users) {
            Credentials known;
            try {
                known = credentials.resolve(user.credentialsRef());
            } catch (UnknownCredentialsException e) {
                LOG.error("API user '{}' cannot log in: {}", user.credentialsRef(), e.getMessage());
                continue;
            }
            if (known.username().equals(name)) {
                if (!MessageDigest.isEqual(known.password().getBytes(StandardCharsets.UTF_8), offered)) {
                    return AuthenticationResponse.failure(AuthenticationFailureReason.CREDENTIALS_DO_NOT_MATCH);
                }
                Set<String> roles = Roles.granted(user.credentialsRef(), user.getRoles());
                return AuthenticationResponse.success(name, roles);
            }
        }
        return AuthenticationResponse.failure(AuthenticationFailureReason.USER_NOT_FOUND);
    }
}
