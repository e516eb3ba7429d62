package io.bluegreen.local.testbed;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Picks the shared {@link io.bluegreen.local.postgres.LocalPostgres} of a major version for injection. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Postgres {
    int value();
}
