package io.bluegreen.coordinator.saga;

/**
 * One step of a phase, dispatched once or once per database; a phase's stages run one after the other, the
 * databases of a stage in parallel.
 *
 * @param step        the command's name, e.g. {@code CreateSlot}
 * @param perDatabase once per database of the plan, or once for the upgrade
 */
public record Stage(String step, boolean perDatabase) {

    static Stage once(String step) {
        return new Stage(step, false);
    }

    static Stage each(String step) {
        return new Stage(step, true);
    }

    /** The key a dispatch of this stage is remembered under: {@code step} or {@code step|database}. */
    public String key(String database) {
        return perDatabase ? step + "|" + database : step;
    }
}
