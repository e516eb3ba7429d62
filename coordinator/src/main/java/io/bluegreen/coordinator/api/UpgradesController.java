package io.bluegreen.coordinator.api;

import io.bluegreen.coordinator.fleet.FleetSettings;
import io.bluegreen.coordinator.fleet.AlertView;
import io.bluegreen.coordinator.fleet.LagView;
import io.bluegreen.coordinator.fleet.PreflightProbe;
import io.bluegreen.coordinator.saga.Commands;
import io.bluegreen.coordinator.saga.Decision;
import io.bluegreen.coordinator.saga.UpgradeState;
import io.bluegreen.schemas.common.PreflightFinding;
import io.bluegreen.coordinator.saga.PhasePlan;
import io.bluegreen.coordinator.saga.Step;
import io.bluegreen.coordinator.security.Roles;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.bluegreen.coordinator.fleet.ReadView;
import io.bluegreen.coordinator.fleet.RequestGateway;
import io.bluegreen.coordinator.fleet.UpgradeKey;
import io.bluegreen.coordinator.saga.InvalidPlanException;
import io.bluegreen.coordinator.saga.Saga;
import io.micronaut.serde.ObjectMapper;
import io.bluegreen.schemas.common.UpgradePlan;
import io.bluegreen.schemas.common.UserDecision;
import io.bluegreen.schemas.request.DecideUpgrade;
import io.bluegreen.schemas.request.RequestAnswered;
import io.bluegreen.schemas.request.StartUpgrade;
import io.bluegreen.schemas.serde.MessageCodec;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * The REST API of any coordinator instance: reads come from this instance's view of the whole fleet; a plan, an
 * approval, a retry or a rollback goes to the instance that owns the upgrade's partition, and the answer comes back
 * once it is committed. Every route needs a login (HTTP Basic) with a role: viewers read, operators submit, retry and
 * roll back, approvers approve and waive ({@link Roles}); the user is what the audit trail records.
 */
@Controller("/upgrades")
public class UpgradesController {

    private final ReadView view;
    private final RequestGateway gateway;
    private final Saga saga;
    private final FleetSettings settings;
    private final Clock clock = Clock.systemUTC();
    private final ObjectMapper json;
    private final LagView lags;
    private final AlertView alerts;
    private final BlueOnAws aws;
    private final PreflightProbe probe;

    public UpgradesController(ReadView view, LagView lags, AlertView alerts, RequestGateway gateway, Saga saga,
                              FleetSettings settings, ObjectMapper json, BlueOnAws aws, PreflightProbe probe) {
        this.alerts = alerts;
        this.json = json;
        this.probe = probe;
        this.lags = lags;
        this.aws = aws;
        this.view = view;
        this.gateway = gateway;
        this.saga = saga;
        this.settings = settings;
    }

    /**
     * Submits a plan, or with {@code dryRun=true} answers what it would do and writes nothing. Every problem is found
     * before anything is written and answered at once (400, one entry per problem): unknown fields, inline secrets,
     * missing or malformed values, values out of bounds, a Blue AWS does not know, a target version AWS does not list
     * as a major upgrade of Blue's version. The audit trail records the authenticated user as the requester.
     */
    @Post
    @Secured(Roles.OPERATOR)
    HttpResponse<?> submit(@Body String body, @QueryValue(defaultValue = "false") boolean dryRun,
                           Authentication user) {
        PlanRequest request = PlanBody.read(json, body);
        if (PreflightProbe.isProbe(request.upgradeId())) {
            throw new InvalidPlanException("upgradeId", "ids starting with " + PreflightProbe.PREFIX + " are the dry runs' "
                    + "own: choose another");
        }
        String id = dryRun ? PreflightProbe.newId() : request.upgradeId() == null || request.upgradeId().isBlank()
                ? "upg-" + UUID.randomUUID().toString().substring(0, 8) : request.upgradeId();
        UpgradePlan plan = request.toPlan();
        Decision started = saga.start(id, plan, user.getName(), clock.instant()); // validates the plan; the owner decides again
        StartUpgrade start = new StartUpgrade(id, UUID.randomUUID().toString(), clock.instant(), plan, user.getName());
        int size = MessageCodec.standard().encode(start).length;
        if (size > settings.maxEventBytes()) {
            throw new InvalidPlanException("plan", "it is " + size + " bytes encoded, over the limit of "
                    + settings.maxEventBytes() + " bytes (bluegreen.coordinator.max-event-bytes): shorten it");
        }
        BlueOnAws.Facts facts = aws.check(plan, Commands.greenIdentifier(id, plan));
        if (!facts.problems().isEmpty()) {
            throw new InvalidPlanException(facts.problems());
        }
        if (dryRun) {
            return HttpResponse.ok(dryRun(plan, started, facts));
        }
        RequestAnswered answer = gateway.ask(UpgradeKey.of(plan), start.getRequestId(), start);
        return switch (answer.getOutcome()) {
            case ACCEPTED -> HttpResponse.created(view(id));
            case UNCHANGED -> HttpResponse.ok(view(id));
            default -> refusal(answer);
        };
    }

    private DryRun dryRun(UpgradePlan plan, Decision started, BlueOnAws.Facts facts) {
        List<DryRun.Finding> findings = new ArrayList<>();
        if (!facts.checked()) {
            findings.add(new DryRun.Finding("warning", "targetVersion", "not checked against AWS "
                    + "(bluegreen.coordinator.aws-plan-check.enabled is false): the engine upgrade may refuse it"));
        }
        UpgradeKey key = UpgradeKey.of(plan);
        view.all().stream().filter(e -> e.key().equals(key) && e.state() != null && !e.state().isTerminal())
                .forEach(e -> findings.add(new DryRun.Finding("error", "blue", "upgrade " + e.upgradeId() + " is active on "
                        + key + " (" + e.phase() + "): a submission would be refused until it ends")));
        facts.blueReboot().ifPresent(reboot -> findings.add(new DryRun.Finding("warning", "allowBlueReboot", reboot
                + " (the plan allows it)")));
        if (plan.getSwitchoverMode() == io.bluegreen.schemas.common.SwitchoverMode.AUTOMATIC) {
            findings.add(new DryRun.Finding("info", "switchoverMode", "automatic: Blue is fenced and writes move to Green "
                    + "as soon as the lag gate opens, without an approval"));
        }
        preflight(plan, started).forEach(findings::add);
        List<DryRun.PhaseSteps> phases = PhasePlan.phases(plan).stream()
                .map(phase -> new DryRun.PhaseSteps(phase.name(), PhasePlan.stages(plan, phase).stream()
                        .map(Step::recordedName).toList())).toList();
        boolean valid = findings.stream().noneMatch(f -> f.severity().equals("error"));
        return new DryRun(valid, key.value(), facts.blueVersion().orElse(null), plan.getTargetVersion(),
                facts.majorTargets(), phases, findings);
    }

    /** The preflight an upgrade of this plan would start with, run now against Blue (read-only) by a pg-agent. */
    private List<DryRun.Finding> preflight(UpgradePlan plan, Decision started) {
        UpgradeState state = null;
        for (var event : started.events()) {
            state = UpgradeState.apply(state, event);
        }
        PreflightProbe.Outcome outcome = probe.run(UpgradeKey.of(plan), Commands.build(state, Step.RUN_PREFLIGHT, null,
                UUID.randomUUID().toString(), 1, clock.instant()));
        if (outcome.completed().isEmpty()) {
            return List.of(new DryRun.Finding("error", "preflight", "not run: " + outcome.failure().orElse("no answer")));
        }
        List<DryRun.Finding> findings = new ArrayList<>();
        for (PreflightFinding f : outcome.completed().get().getFindings()) {
            String subject = "preflight." + f.getCheck() + (f.getDatabase() == null ? "" : " (" + f.getDatabase() + ")");
            String subjects = f.getSubjects() == null || f.getSubjects().isEmpty() ? "" : " " + f.getSubjects();
            findings.add(new DryRun.Finding(f.getSeverity().name().toLowerCase(java.util.Locale.ROOT), subject,
                    f.getMessage() + subjects));
        }
        return findings;
    }

    @Get
    @Secured(Roles.VIEWER)
    List<UpgradeView> list() {
        return view.all().stream().map(this::view)
                .sorted(Comparator.comparing(UpgradeView::upgradeId)).toList();
    }

    @Get("/{id}")
    @Secured(Roles.VIEWER)
    UpgradeView get(String id) {
        return view(id);
    }

    @Get("/{id}/lag")
    @Secured(Roles.VIEWER)
    LagReport lag(String id) {
        ReadView.Entry entry = entry(id);
        return LagReport.of(id, entry.phase().name(), entry.state().plan().getLagThresholdBytes(), lags.latest(id));
    }

    /**
     * The recent lag of every database of the upgrade, oldest point first, as this instance read it from the monitor's
     * samples: at most {@code maxPoints} points per database spanning at most {@code windowSeconds} (an instance that
     * just started has the last five minutes). Empty for an upgrade that is not replicating.
     */
    @Get("/{id}/lag/history")
    @Secured(Roles.VIEWER)
    LagHistory lagHistory(String id) {
        ReadView.Entry entry = entry(id);
        return LagHistory.of(id, entry.phase().name(), entry.state().plan().getLagThresholdBytes(), lags.history(id));
    }

    /** The alerts raised for the upgrade (by the monitor or the coordinator) and not cleared yet, the oldest first. */
    @Get("/{id}/alerts")
    @Secured(Roles.VIEWER)
    List<OpenAlert> alerts(String id) {
        entry(id);
        return alerts.open(id).stream().map(OpenAlert::of).toList();
    }

    @Get("/{id}/events")
    @Secured(Roles.VIEWER)
    List<TimelineEntry> events(String id) {
        return entry(id).events().stream().map(TimelineEntry::of).toList();
    }

    @Post("/{id}/approve")
    @Secured(Roles.APPROVER)
    HttpResponse<?> approve(String id, @Body Decide decide, Authentication user) {
        return decide.reason() != null ? reasonNotKept("an approval") : decide(id, UserDecision.APPROVE, user, null);
    }

    @Post("/{id}/retry")
    @Secured(Roles.OPERATOR)
    HttpResponse<?> retry(String id, @Body Decide decide, Authentication user) {
        return decide.reason() != null ? reasonNotKept("a retry") : decide(id, UserDecision.RETRY, user, null);
    }

    /** A reason the audit trail has no place for is refused, not dropped. */
    private static HttpResponse<Problem> reasonNotKept(String what) {
        return Problem.of(HttpStatus.BAD_REQUEST, "invalid-request", "The audit trail records who made " + what + " and "
                + "when, not a reason: send {} (a rollback and a waiver keep their reason)").response();
    }

    @Post("/{id}/rollback")
    @Secured(Roles.OPERATOR)
    HttpResponse<?> rollback(String id, @Body Decide decide, Authentication user) {
        return decide(id, UserDecision.ROLLBACK, user, decide.reason() == null ? "requested" : decide.reason());
    }

    /**
     * Accepts Green without the verification that failed or could not be done after the switchover (see
     * docs/saga.md); the reason is required and kept in the audit trail.
     */
    @Post("/{id}/waive-verification")
    @Secured(Roles.APPROVER)
    HttpResponse<?> waiveVerification(String id, @Body Decide decide, Authentication user) {
        if (decide.reason() == null || decide.reason().isBlank()) {
            return Problem.of(HttpStatus.BAD_REQUEST, "invalid-request", "A waiver needs a reason (\"reason\": how Green "
                    + "was checked against the fenced Blue); it is kept in the audit trail").response();
        }
        return decide(id, UserDecision.WAIVE_VERIFICATION, user, decide.reason());
    }

    private HttpResponse<?> decide(String id, UserDecision decision, Authentication user, @Nullable String reason) {
        ReadView.Entry entry = entry(id);
        DecideUpgrade request = new DecideUpgrade(id, UUID.randomUUID().toString(), clock.instant(), decision,
                user.getName(), reason);
        RequestAnswered answer = gateway.ask(entry.key(), request.getRequestId(), request);
        return answer.getOutcome() == io.bluegreen.schemas.common.RequestOutcome.ACCEPTED ? HttpResponse.ok(view(id))
                : refusal(answer);
    }

    private ReadView.Entry entry(String id) {
        return view.find(id).orElseThrow(() -> new UnknownUpgradeException(id));
    }

    private UpgradeView view(String id) {
        return view(entry(id));
    }

    private UpgradeView view(ReadView.Entry entry) {
        UpgradeState state = entry.state();
        return UpgradeView.of(state, entry.events(), Accepted.decisions(saga, state, clock.instant()));
    }

    private static HttpResponse<Problem> refusal(RequestAnswered answer) {
        return switch (answer.getOutcome()) {
            case CONFLICT -> Problem.of(HttpStatus.CONFLICT, "conflict", answer.getMessage())
                    .withActiveUpgrade(answer.getActiveUpgradeId()).response();
            case NOT_FOUND -> Problem.of(HttpStatus.NOT_FOUND, "not-found", answer.getMessage()).response();
            default -> Problem.of(HttpStatus.BAD_REQUEST, "invalid-request", answer.getMessage()).response();
        };
    }

    @Error(exception = UnknownUpgradeException.class)
    HttpResponse<Problem> unknown(UnknownUpgradeException e) {
        return Problem.of(HttpStatus.NOT_FOUND, "not-found", e.getMessage()).response();
    }

    @Error(exception = InvalidPlanException.class)
    HttpResponse<Problem> invalidPlan(InvalidPlanException e) {
        return Problem.invalidPlan(e.problems()).response();
    }

    @Error(exception = IllegalArgumentException.class)
    HttpResponse<Problem> invalid(IllegalArgumentException e) {
        return Problem.of(HttpStatus.BAD_REQUEST, "invalid-request", e.getMessage()).response();
    }

    @Error(exception = BlueOnAws.UnavailableException.class)
    HttpResponse<Problem> awsUnavailable(BlueOnAws.UnavailableException e) {
        return Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", e.getMessage()).response();
    }

    @Error(exception = RequestGateway.NoAnswerException.class)
    HttpResponse<Problem> unanswered(RequestGateway.NoAnswerException e) {
        return Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", e.getMessage()).response();
    }
}
