package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.common.RepointMethod;
import io.bluegreen.schemas.common.UpgradePlan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The switchover settings of a plan, with their defaults and allowed ranges. A plan field left at 0 (or
 * UNKNOWN) takes the default, so plans written before a setting existed keep working.
 */
public final class SwitchoverPlan {

    /** AWS Blue/Green allows 30 s to 3600 s; a fenced window shorter than a second cannot fence and drain. */
    public static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration MAX_TIMEOUT = Duration.ofHours(1);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_ATTEMPTS = 3;
    public static final int MAX_ATTEMPTS = 20;
    public static final Duration DEFAULT_MAX_TRANSACTION_AGE = Duration.ofSeconds(10);

    private SwitchoverPlan() {
    }

    /** The bound of the fenced window, from the fence to the repoint. */
    public static Duration timeout(UpgradePlan plan) {
        return plan.getSwitchoverTimeoutMs() == 0 ? DEFAULT_TIMEOUT : Duration.ofMillis(plan.getSwitchoverTimeoutMs());
    }

    /** Aborted attempts allowed before the upgrade stops in FAILED. */
    public static int attempts(UpgradePlan plan) {
        return plan.getSwitchoverAttempts() == 0 ? DEFAULT_ATTEMPTS : plan.getSwitchoverAttempts();
    }

    public static Duration maxTransactionAge(UpgradePlan plan) {
        return plan.getMaxTransactionAgeMs() == 0 ? DEFAULT_MAX_TRANSACTION_AGE : Duration.ofMillis(plan.getMaxTransactionAgeMs());
    }

    /** EVENT unless the plan asks for RENAME; plans from before the choice existed rename when {@code repoint} is set. */
    public static RepointMethod repoint(UpgradePlan plan) {
        if (plan.getRepointMethod() == RepointMethod.UNKNOWN) {
            return plan.getRepoint() ? RepointMethod.RENAME : RepointMethod.EVENT;
        }
        return plan.getRepointMethod();
    }

    /** What is wrong with the plan's switchover settings, field by field. */
    static List<PlanCheck.FieldProblem> problems(UpgradePlan plan) {
        List<PlanCheck.FieldProblem> problems = new ArrayList<>();
        long timeout = plan.getSwitchoverTimeoutMs();
        if (timeout != 0 && (timeout < MIN_TIMEOUT.toMillis() || timeout > MAX_TIMEOUT.toMillis())) {
            problems.add(new PlanCheck.FieldProblem("switchoverTimeoutMs", timeout + " is outside " + MIN_TIMEOUT.toMillis()
                    + " .. " + MAX_TIMEOUT.toMillis() + " ms: it bounds how long Blue may stay fenced; "
                    + DEFAULT_TIMEOUT.toMillis() + " is the default"));
        }
        if (plan.getSwitchoverAttempts() < 0 || plan.getSwitchoverAttempts() > MAX_ATTEMPTS) {
            problems.add(new PlanCheck.FieldProblem("switchoverAttempts", plan.getSwitchoverAttempts() + " is outside 1 .. "
                    + MAX_ATTEMPTS));
        }
        if (plan.getMaxTransactionAgeMs() < 0) {
            problems.add(new PlanCheck.FieldProblem("maxTransactionAgeMs", "must not be negative"));
        }
        if (plan.getRepointMethod() == RepointMethod.RENAME && plan.getBlue().getIdentifier() == null) {
            problems.add(new PlanCheck.FieldProblem("repoint", "'rename' swaps RDS identifiers, but the plan's Blue has no "
                    + "identifier: give it, or repoint by 'event'"));
        }
        return problems;
    }
}
