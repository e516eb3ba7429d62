package io.bluegreen.coordinator.api;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** Who is logged in and with which roles ({@code GET /me}): what a client may offer its user. */
@Serdeable
public record CurrentUser(String name, List<String> roles) {
}
