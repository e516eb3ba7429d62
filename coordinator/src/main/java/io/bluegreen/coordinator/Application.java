package io.bluegreen.coordinator;

import io.bluegreen.schemas.AvroTrust;
import io.micronaut.runtime.Micronaut;

/** Starts the bluegreen coordinator: health and Prometheus endpoints, Kafka from {@code kafka.bootstrap.servers}. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        AvroTrust.install();
        Micronaut.build(args).mainClass(Application.class).banner(false).start();
    }
}
