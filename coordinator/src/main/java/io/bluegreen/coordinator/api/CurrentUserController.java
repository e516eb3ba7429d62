package io.bluegreen.coordinator.api;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;

import java.util.List;

/**
 * The logged-in user: a client (the web view) checks a login with it and offers only what the user's roles allow
 * (viewer reads; operator submits, retries, rolls back; approver approves and waives). The server enforces the
 * roles on every route regardless.
 */
@Controller("/me")
public class CurrentUserController {

    /** The user name and roles of the login (HTTP Basic) this request carries. */
    @Get
    @Secured(SecurityRule.IS_AUTHENTICATED)
    CurrentUser me(Authentication user) {
        return new CurrentUser(user.getName(), List.copyOf(new java.util.TreeSet<>(user.getRoles())));
    }
}
