package io.bluegreen.monitor.lag;

import java.util.Objects;

/** One replicated database and the names of its publication and slot (on Blue) and subscription (on Green). */
public record DatabaseNames(String database, String publication, String slot, String subscription) {

    public DatabaseNames {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(subscription, "subscription");
    }
}
