package io.bluegreen.coordinator.api;

import io.bluegreen.coordinator.saga.SagaRefusal;
import io.bluegreen.coordinator.service.UnknownUpgradeException;
import io.bluegreen.coordinator.service.Upgrades;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.Serdeable;

import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * The REST API: submit a plan, watch upgrades and their audit trail, approve a switchover, retry or roll back.
 */
@Controller("/upgrades")
public class UpgradesController {

    private final Upgrades upgrades;

    public UpgradesController(Upgrades upgrades) {
        this.upgrades = upgrades;
    }

    @Post
    HttpResponse<UpgradeView> submit(@Body PlanRequest request) {
        String id = request.upgradeId() == null || request.upgradeId().isBlank()
                ? "upg-" + UUID.randomUUID().toString().substring(0, 8) : request.upgradeId();
        boolean existed = upgrades.find(id).isPresent();
        Upgrades.Upgrade upgrade = upgrades.start(id, request.toPlan(),
                request.requestedBy() == null ? "api" : request.requestedBy());
        UpgradeView view = view(upgrade);
        return existed ? HttpResponse.ok(view) : HttpResponse.created(view);
    }

    @Get
    List<UpgradeView> list() {
        return upgrades.all().stream().map(UpgradesController::view)
                .sorted(Comparator.comparing(UpgradeView::upgradeId)).toList();
    }

    @Get("/{id}")
    UpgradeView get(String id) {
        return view(upgrades.find(id).orElseThrow(() -> new UnknownUpgradeException(id)));
    }

    @Get("/{id}/events")
    List<TimelineEntry> events(String id) {
        return upgrades.find(id).orElseThrow(() -> new UnknownUpgradeException(id)).events().stream()
                .map(TimelineEntry::of).toList();
    }

    @Post("/{id}/approve")
    UpgradeView approve(String id, @Body Decide decide) {
        return view(upgrades.approve(id, decide.who()));
    }

    @Post("/{id}/retry")
    UpgradeView retry(String id, @Body Decide decide) {
        return view(upgrades.retry(id, decide.who()));
    }

    @Post("/{id}/rollback")
    UpgradeView rollback(String id, @Body Decide decide) {
        return view(upgrades.rollback(id, decide.reason() == null ? "requested" : decide.reason(), decide.who()));
    }

    private static UpgradeView view(Upgrades.Upgrade upgrade) {
        return UpgradeView.of(upgrade.state(), upgrade.events());
    }

    /** An error body: what went wrong and what to do. */
    @Serdeable
    public record Problem(String error, String message) {
    }

    @Error(exception = SagaRefusal.class)
    HttpResponse<Problem> refused(SagaRefusal e) {
        return HttpResponse.<Problem>status(HttpStatus.CONFLICT).body(new Problem("conflict", e.getMessage()));
    }

    @Error(exception = UnknownUpgradeException.class)
    HttpResponse<Problem> unknown(UnknownUpgradeException e) {
        return HttpResponse.<Problem>notFound().body(new Problem("not_found", e.getMessage()));
    }

    @Error(exception = IllegalArgumentException.class)
    HttpResponse<Problem> invalid(IllegalArgumentException e) {
        return HttpResponse.<Problem>badRequest().body(new Problem("invalid_plan", e.getMessage()));
    }
}
