package io.bluegreen.coordinator;

import io.bluegreen.schemas.AvroTrust;
import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/**
 * Starts the bluegreen coordinator: the REST API (its OpenAPI document at {@code /openapi/bluegreen-coordinator-1.yml}),
 * health and Prometheus endpoints, Kafka from {@code kafka.bootstrap.servers}.
 */
@OpenAPIDefinition(info = @Info(title = "bluegreen-coordinator", version = "1",
        description = "Blue/green PostgreSQL major-version upgrades: check a plan (dry run), submit it, watch it and its "
                + "lag, approve its switchover, retry, roll back, waive a lost verification, read its audit timeline. "
                + "Every route needs HTTP Basic with a role: viewer reads; operator submits, retries, rolls back; "
                + "approver approves and waives."),
        security = @SecurityRequirement(name = "basic"))
@SecurityScheme(name = "basic", type = SecuritySchemeType.HTTP, scheme = "basic")
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        AvroTrust.install();
        Micronaut.build(args).mainClass(Application.class).banner(false).start();
    }
}
