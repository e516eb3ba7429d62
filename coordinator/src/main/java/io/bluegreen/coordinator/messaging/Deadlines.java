package io.bluegreen.coordinator.messaging;

import io.bluegreen.coordinator.service.Upgrades;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;

/**
 * The clock of the sagas: lets deadlines pass even when no message arrives (an agent that died mid-switchover
 * answers nothing). The tick is short next to any switchover timeout.
 */
@Singleton
public class Deadlines {

    private final Upgrades upgrades;

    public Deadlines(Upgrades upgrades) {
        this.upgrades = upgrades;
    }

    @Scheduled(fixedDelay = "${bluegreen.coordinator.tick:200ms}", initialDelay = "1s")
    void tick() {
        upgrades.tick();
    }
}
