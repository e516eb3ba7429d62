package io.bluegreen.coordinator.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * What a plan would do, answered without writing anything ({@code POST /upgrades?dryRun=true}): every check a
 * submission runs passed (else 400 with every problem), Blue as AWS describes it, the phases and their steps, and
 * findings (an {@code error} finding means a submission would be refused or would stop).
 */
@Serdeable
public record DryRun(boolean valid, String blue, @Nullable String blueVersion, String targetVersion,
                     List<String> validTargets, List<PhaseSteps> phases, List<Finding> findings) {

    /** A phase and the steps it runs, in order. */
    @Serdeable
    public record PhaseSteps(String phase, List<String> steps) {
    }

    /** Something worth knowing before submitting: severity {@code info}, {@code warning} or {@code error}. */
    @Serdeable
    public record Finding(String severity, String subject, String message) {
    }
}
