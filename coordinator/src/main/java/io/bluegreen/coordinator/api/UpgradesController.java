package io.bluegreen.coordinator.api;

import io.bluegreen.coordinator.fleet.FleetSettings;
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
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * The REST API of any coordinator instance: reads come from this instance's view of the whole fleet; a plan, an
 * approval, a retry or a rollback goes to the instance that owns the upgrade's partition, and the answer comes back
 * once it is committed.
 */
@Controller("/upgrades")
public class UpgradesController {

    private final ReadView view;
    private final RequestGateway gateway;
    private final Saga saga;
    private final FleetSettings settings;
    private final Clock clock = Clock.systemUTC();
    private final ObjectMapper json;

    public UpgradesController(ReadView view, RequestGateway gateway, Saga saga, FleetSettings settings, ObjectMapper json) {
        this.json = json;
        this.view = view;
        this.gateway = gateway;
        this.saga = saga;
        this.settings = settings;
    }

    /**
     * Submits a plan. Every problem is found before anything is written and answered at once (400, one entry per
     * problem): unknown fields, inline secrets, missing or malformed values, values out of bounds.
     */
    @Post
    HttpResponse<?> submit(@Body String body) {
        PlanRequest request = PlanBody.read(json, body);
        String id = request.upgradeId() == null || request.upgradeId().isBlank()
                ? "upg-" + UUID.randomUUID().toString().substring(0, 8) : request.upgradeId();
        UpgradePlan plan = request.toPlan();
        String by = request.requestedBy() == null ? "api" : request.requestedBy();
        saga.start(id, plan, by, clock.instant()); // validates the plan; the owner decides again, this only answers early
        StartUpgrade start = new StartUpgrade(id, UUID.randomUUID().toString(), clock.instant(), plan, by);
        int size = MessageCodec.standard().encode(start).length;
        if (size > settings.maxEventBytes()) {
            throw new InvalidPlanException("plan", "it is " + size + " bytes encoded, over the limit of "
                    + settings.maxEventBytes() + " bytes (bluegreen.coordinator.max-event-bytes): shorten it");
        }
        RequestAnswered answer = gateway.ask(UpgradeKey.of(plan), start.getRequestId(), start);
        return switch (answer.getOutcome()) {
            case ACCEPTED -> HttpResponse.created(view(id));
            case UNCHANGED -> HttpResponse.ok(view(id));
            default -> refusal(answer);
        };
    }

    @Get
    List<UpgradeView> list() {
        return view.all().stream().map(UpgradesController::view)
                .sorted(Comparator.comparing(UpgradeView::upgradeId)).toList();
    }

    @Get("/{id}")
    UpgradeView get(String id) {
        return view(id);
    }

    @Get("/{id}/events")
    List<TimelineEntry> events(String id) {
        return entry(id).events().stream().map(TimelineEntry::of).toList();
    }

    @Post("/{id}/approve")
    HttpResponse<?> approve(String id, @Body Decide decide) {
        return decide(id, UserDecision.APPROVE, decide, null);
    }

    @Post("/{id}/retry")
    HttpResponse<?> retry(String id, @Body Decide decide) {
        return decide(id, UserDecision.RETRY, decide, null);
    }

    @Post("/{id}/rollback")
    HttpResponse<?> rollback(String id, @Body Decide decide) {
        return decide(id, UserDecision.ROLLBACK, decide, decide.reason() == null ? "requested" : decide.reason());
    }

    /**
     * Accepts Green without the verification that failed or could not be done after the switchover (see
     * docs/saga.md); the reason is required and kept in the audit trail.
     */
    @Post("/{id}/waive-verification")
    HttpResponse<?> waiveVerification(String id, @Body Decide decide) {
        if (decide.reason() == null || decide.reason().isBlank()) {
            return Problem.of(HttpStatus.BAD_REQUEST, "invalid-request", "A waiver needs a reason (\"reason\": how Green "
                    + "was checked against the fenced Blue); it is kept in the audit trail").response();
        }
        return decide(id, UserDecision.WAIVE_VERIFICATION, decide, decide.reason());
    }

    private HttpResponse<?> decide(String id, UserDecision decision, Decide decide, @Nullable String reason) {
        ReadView.Entry entry = entry(id);
        DecideUpgrade request = new DecideUpgrade(id, UUID.randomUUID().toString(), clock.instant(), decision,
                decide.who(), reason);
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

    private static UpgradeView view(ReadView.Entry entry) {
        return UpgradeView.of(entry.state(), entry.events());
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

    @Error(exception = RequestGateway.NoAnswerException.class)
    HttpResponse<Problem> unanswered(RequestGateway.NoAnswerException e) {
        return Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", e.getMessage()).response();
    }
}
