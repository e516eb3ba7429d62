package io.bluegreen.demo;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.rds.model.DBInstance;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A plan checked as a user submits it, on the local stack: the coordinator asks the local RDS endpoint (through the
 * real AWS SDK client) whether Blue exists and which versions it may be upgraded to, and a dry run runs the real
 * pg-agent's preflight against Blue; nothing is written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlanChecksIT {

    private static final String BLUE = "plans-orders";
    private static final String USER = "app_admin";

    private final String password = LocalStack.generatedMasterPassword();
    private LocalStack stack;
    private HttpClient http;
    private DBInstance blue;

    @BeforeAll
    void start() throws Exception {
        stack = LocalStack.start(USER, password);
        http = HttpClient.create(stack.coordinatorAs(stack.apiUser()));
        stack.rds().createDBInstance(r -> r.dbInstanceIdentifier(BLUE).engine("postgres").engineVersion("16.14")
                .dbInstanceClass("db.t3.medium").allocatedStorage(20).masterUsername(USER).masterUserPassword(password));
        await().atMost(Duration.ofMinutes(2)).until(() -> "available".equals(describe().dbInstanceStatus()));
        blue = describe();
        sql("postgres", "CREATE DATABASE app");
        sql("app", "CREATE TABLE orders (id bigserial PRIMARY KEY, note text)", "CREATE UNLOGGED TABLE scratch (id int PRIMARY KEY)");
    }

    @AfterAll
    void stop() {
        http.close();
        stack.close();
    }

    private Map<String, Object> plan(String targetVersion, String identifier, String host) {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("blue", Map.of("identifier", identifier, "region", LocalStack.REGION, "engine", "postgres",
                "host", host, "port", blue.endpoint().port(), "credentialsRef", LocalStack.CREDENTIALS_REF));
        plan.put("targetVersion", targetVersion);
        plan.put("allowBlueReboot", true); // Blue's default group has logical replication off
        plan.put("databases", List.of("app"));
        plan.put("switchoverMode", "manual");
        return plan;
    }

    @Test
    void aDryRunShowsBlueAsAwsDescribesItThePhasesAndThePreflightAndWritesNothing() {
        Map<?, ?> dry = http.toBlocking().retrieve(HttpRequest.POST("/upgrades?dryRun=true",
                plan("17.11", BLUE, blue.endpoint().address())), Map.class);
        assertEquals(true, dry.get("valid"), dry.toString());
        assertEquals("16.14", dry.get("blueVersion"));
        assertTrue(((List<?>) dry.get("validTargets")).contains("17.11"), dry.toString());
        assertFalse(((List<?>) dry.get("validTargets")).contains("16.15"), "only major targets are offered");
        String findings = String.valueOf(dry.get("findings"));
        assertTrue(findings.contains("preflight.unlogged_tables") && findings.contains("public.scratch"),
                "the pg-agent's preflight ran against Blue: " + findings);
        assertTrue(findings.contains("preflight.versions"), findings);
        assertTrue(findings.contains("allowBlueReboot") && findings.contains("reboot of Blue's writer " + BLUE)
                && findings.contains("(the plan allows it)"), "the dry run says Blue will be rebooted: " + findings);
        assertTrue(http.toBlocking().retrieve(HttpRequest.GET("/upgrades"), Argument.listOf(Map.class)).isEmpty(),
                "a dry run writes nothing");
    }

    @Test
    void aTargetAwsDoesNotListAMinorTargetAndAnUnknownBlueAreRefusedByField() {
        assertRefused(plan("17.99", BLUE, blue.endpoint().address()), "targetVersion",
                "'17.99' is not an upgrade target of Blue's postgres 16.14 (DescribeDBEngineVersions): choose one of [17.1,");
        assertRefused(plan("16.15", BLUE, blue.endpoint().address()), "targetVersion",
                "'16.15' is a minor upgrade of Blue's 16.14");
        assertRefused(plan("17.11", "plans-nope", blue.endpoint().address()), "blue.identifier",
                "AWS knows no RDS instance 'plans-nope' in " + LocalStack.REGION);
        assertTrue(http.toBlocking().retrieve(HttpRequest.GET("/upgrades"), Argument.listOf(Map.class)).isEmpty(),
                "a refused plan writes nothing");
    }

    @Test
    void aBlueWhoseGroupHasLogicalReplicationOffIsRefusedUnlessThePlanAllowsItsReboot() {
        Map<String, Object> noReboot = plan("17.11", BLUE, blue.endpoint().address());
        noReboot.remove("allowBlueReboot");
        assertRefused(noReboot, "allowBlueReboot", "Blue's parameter group default.postgres16 has rds.logical_replication off");
        assertTrue(http.toBlocking().retrieve(HttpRequest.GET("/upgrades"), Argument.listOf(Map.class)).isEmpty(),
                "a refused plan writes nothing");
    }

    @Test
    void greenMustBeNewNeitherBlueNorAnythingThatExists() {
        Map<String, Object> isBlue = plan("17.11", BLUE, blue.endpoint().address());
        isBlue.put("greenIdentifier", BLUE);
        assertRefused(isBlue, "greenIdentifier", "'" + BLUE + "' is Blue: Green must be a new instance or cluster");
        stack.rds().createDBInstance(r -> r.dbInstanceIdentifier("plans-taken").engine("postgres").engineVersion("17.11")
                .dbInstanceClass("db.t3.medium").allocatedStorage(20).masterUsername(USER).masterUserPassword(password));
        Map<String, Object> taken = plan("17.11", BLUE, blue.endpoint().address());
        taken.put("greenIdentifier", "plans-taken");
        assertRefused(taken, "greenIdentifier", "AWS already has an RDS instance 'plans-taken' in " + LocalStack.REGION
                + ": Green must be new");
    }

    @Test
    void credentialsAreNotSentToAHostThePlanNamesButTheyAreNotBoundTo() {
        Map<?, ?> dry = http.toBlocking().retrieve(HttpRequest.POST("/upgrades?dryRun=true",
                plan("17.11", BLUE, "db.attacker.example")), Map.class);
        assertEquals(false, dry.get("valid"), dry.toString());
        String findings = String.valueOf(dry.get("findings"));
        assertTrue(findings.contains("may not be sent to host 'db.attacker.example'"), findings);
    }

    /** The plan is refused with 400 and exactly one problem, on {@code field}, whose text starts as expected. */
    private void assertRefused(Map<String, Object> plan, String field, String start) {
        HttpClientResponseException e = assertThrows(HttpClientResponseException.class,
                () -> http.toBlocking().exchange(HttpRequest.POST("/upgrades", plan), Map.class));
        assertEquals(400, e.code());
        Map<?, ?> problem;
        try {
            problem = io.micronaut.serde.ObjectMapper.getDefault().readValue(e.getResponse().getBody(String.class)
                    .orElseThrow(), Map.class);
        } catch (java.io.IOException notJson) {
            throw new AssertionError("the problem is not JSON", notJson);
        }
        List<?> errors = (List<?>) problem.get("errors");
        assertEquals(1, errors.size(), errors.toString());
        Map<?, ?> error = (Map<?, ?>) errors.get(0);
        assertEquals(field, error.get("field"));
        assertTrue(String.valueOf(error.get("problem")).startsWith(start), error.toString());
    }

    private DBInstance describe() {
        return stack.rds().describeDBInstances(r -> r.dbInstanceIdentifier(BLUE)).dbInstances().get(0);
    }

    private void sql(String database, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + blue.endpoint().address() + ":"
                + blue.endpoint().port() + "/" + database, USER, password); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
