package io.bluegreen.coordinator.security;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;

import java.util.List;

/**
 * One user of the API: {@code bluegreen.api.users.<credentials-ref>.roles}. The login (user name and password) is
 * not configured here: it is resolved from the credentials reference, like every other secret.
 */
@EachProperty("bluegreen.api.users")
public final class ApiUser {

    private final String credentialsRef;
    private List<String> roles = List.of();

    public ApiUser(@Parameter String credentialsRef) {
        this.credentialsRef = credentialsRef;
    }

    public String credentialsRef() {
        return credentialsRef;
    }

    public List<String> getRoles() {
        return roles;
    }

    public void setRoles(List<String> roles) {
        this.roles = List.copyOf(roles);
    }
}
