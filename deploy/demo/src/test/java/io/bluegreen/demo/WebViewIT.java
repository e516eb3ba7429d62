package io.bluegreen.demo;

import io.bluegreen.local.support.Chromium;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.common.AlertKind;
import io.bluegreen.schemas.common.Severity;
import io.bluegreen.schemas.monitor.AlertRaised;
import io.bluegreen.schemas.serde.AvroMessageSerializer;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import software.amazon.awssdk.services.rds.model.DBInstance;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coordinator's web view in headless Chromium (Debian's, installed by the test bed when missing) against a real
 * upgrade on the local stack (every service, real Kafka, the local RDS endpoint, PostgreSQL 16 -> 17, two databases,
 * manual approval). A viewer logs in, sees the upgrade in the list with its phase, opens it, watches its timeline
 * grow up to the approval gate, and is offered no approve or rollback button. A user with every role then sees the
 * lag chart with one series per database, an alert published on {@code bluegreen.alerts} in the alerts section, and
 * both buttons; approves through the page and watches the upgrade complete, after which neither button is offered.
 * A wrong password comes back to the page's form. The page is saved as {@code target/web-view.png}.
 */
class WebViewIT {

    private static final String BLUE = "web-orders";
    private static final String USER = "app_admin";
    private static final String VIEWER_REF = "web-viewer-login";
    private static final Path SCREENSHOT = Path.of("target", "web-view.png");

    private final String password = LocalStack.generatedMasterPassword();
    private final LocalStack.ApiUser viewer = new LocalStack.ApiUser("web-viewer", LocalStack.generatedMasterPassword());
    private LocalStack stack;
    private WebDriver browser;
    private Path userData;

    @BeforeEach
    void start() throws Exception {
        Chromium chromium = Chromium.installed();
        Map<String, Object> viewerLogin = Map.of(
                "bluegreen.credentials." + VIEWER_REF + ".username", viewer.name(),
                "bluegreen.credentials." + VIEWER_REF + ".password", viewer.password(),
                "bluegreen.api.users." + VIEWER_REF + ".roles", List.of("viewer"));
        stack = LocalStack.start(USER, password, viewerLogin);
        userData = Files.createTempDirectory("bluegreen-chromium-");
        System.setProperty("webdriver.chrome.driver", chromium.driver().toString()); // no Selenium Manager download
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.browser().toFile());
        options.addArguments(chromium.flags(userData));
        options.addArguments("--window-size=1400,1150");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromium.driver().toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (stack != null) {
                stack.close();
            }
            if (userData != null) {
                try (var files = Files.walk(userData)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Test
    void aViewerWatchesAndAnApproverApprovesARealUpgradeThroughThePage() throws Exception {
        String upgradeId = submitUpgrade();
        browser.get(stack.coordinator() + "/ui/");
        assertEquals("bluegreen upgrades", browser.getTitle());

        logIn(viewer.name(), "not-" + viewer.password());
        awaitText("the refused login comes back to the form", () -> text("login-error").contains("refused"));
        assertTrue(visible("login"), "still on the login form");

        logIn(viewer.name(), viewer.password());
        awaitText("the upgrade is listed with its phase", () -> !phaseInList(upgradeId).isEmpty());
        assertTrue(text("roles").contains("viewer"));
        open(upgradeId);
        int firstEvents = timelineSize();
        assertTrue(firstEvents > 0, "the timeline starts with the request");
        awaitUntil(Duration.ofMinutes(3), "the upgrade reaches the approval gate",
                () -> text("detail-phase").equals("READY_FOR_SWITCHOVER"));
        assertTrue(timelineSize() > firstEvents, "the timeline grew: " + firstEvents + " -> " + timelineSize());
        assertEquals("READY_FOR_SWITCHOVER", phaseInList(upgradeId));
        assertFalse(visible("approve"), "a viewer is offered no approval");
        assertFalse(visible("rollback"), "a viewer is offered no rollback");
        assertTrue(accepts(upgradeId).containsAll(List.of("approve", "rollback")),
                "though the upgrade accepts both now: " + accepts(upgradeId));
        browser.findElement(By.id("logout")).click();

        raiseAlert(upgradeId);
        LocalStack.ApiUser admin = stack.apiUser();
        logIn(admin.name(), admin.password());
        awaitText("the upgrade is listed", () -> !phaseInList(upgradeId).isEmpty());
        open(upgradeId);
        awaitText("both buttons are offered to a user with every role", () -> visible("approve") && visible("rollback"));
        awaitText("one lag series per database", () -> seriesWithPoints().equals(Set.of("app", "billing")));
        awaitText("the alert is shown", () -> text("alert-list").contains("lag over the threshold on app (web view test)"));
        assertFalse(visible("no-alerts"));

        browser.findElement(By.id("approve")).click();
        assertTrue(text("confirm-text").contains("Approve the switchover of " + upgradeId), text("confirm-text"));
        browser.findElement(By.id("confirm-yes")).click();
        awaitText("the approval is accepted", () -> text("action-result").contains("approve accepted"));
        awaitUntil(Duration.ofMinutes(2), "the upgrade completes after the approval",
                () -> text("detail-phase").equals("COMPLETED"));
        awaitText("the timeline shows the approval", () -> text("timeline").contains("SwitchoverApproved")
                && text("timeline").contains(admin.name()));
        awaitText("nothing is left to approve or roll back", () -> !visible("approve") && !visible("rollback"));
        assertEquals("COMPLETED", phaseInList(upgradeId));

        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.createDirectories(SCREENSHOT.getParent());
        Files.write(SCREENSHOT, png);
        assertScreenshot(SCREENSHOT);
        assertFalse(browser.getCurrentUrl().contains(admin.password()), "no password in the page's URL");
    }

    private String submitUpgrade() throws Exception {
        stack.rds().createDBInstance(r -> r.dbInstanceIdentifier(BLUE).engine("postgres").engineVersion("16.15")
                .dbInstanceClass("db.t3.medium").allocatedStorage(20).masterUsername(USER).masterUserPassword(password));
        await().atMost(Duration.ofMinutes(2)).until(() -> "available".equals(describe().dbInstanceStatus()));
        DBInstance blue = describe();
        for (String db : List.of("app", "billing")) {
            sql(url(blue, "postgres"), "CREATE DATABASE " + db);
            sql(url(blue, db), "CREATE TABLE items (id bigserial PRIMARY KEY, note text NOT NULL)",
                    "INSERT INTO items (note) SELECT 'item ' || g FROM generate_series(1, 500) g");
        }
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("blue", Map.of("identifier", BLUE, "region", LocalStack.REGION, "engine", "postgres",
                "host", blue.endpoint().address(), "port", blue.endpoint().port(), "credentialsRef", LocalStack.CREDENTIALS_REF));
        plan.put("targetVersion", "17.11");
        plan.put("allowBlueReboot", true);
        plan.put("databases", List.of("app", "billing"));
        plan.put("lagThresholdBytes", 1024 * 1024);
        plan.put("holdDurationMs", 3000); // a few lag samples per database before the gate opens
        plan.put("switchoverMode", "manual");
        try (HttpClient http = HttpClient.create(stack.coordinatorAs(stack.apiUser()))) {
            return (String) http.toBlocking().retrieve(HttpRequest.POST("/upgrades", plan), Map.class).get("upgradeId");
        }
    }

    private void raiseAlert(String upgradeId) {
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                stack.kafkaBootstrapServers()), new StringSerializer(), new AvroMessageSerializer<>())) {
            producer.send(new ProducerRecord<>(Topics.ALERTS, BLUE, new AlertRaised(upgradeId, Instant.now(),
                    upgradeId + "/web-view-test", AlertKind.LAG_OVER_THRESHOLD, Severity.WARNING, "app", 2e6, 1048576.0,
                    "lag over the threshold on app (web view test)")));
        }
    }

    private List<?> accepts(String upgradeId) {
        try (HttpClient http = HttpClient.create(stack.coordinatorAs(viewer))) {
            Map<?, ?> upgrade = http.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + upgradeId), Map.class);
            return upgrade.get("accepts") instanceof List<?> list ? list : List.of();
        }
    }

    private void logIn(String name, String secret) {
        WebElement user = browser.findElement(By.id("username"));
        user.clear();
        user.sendKeys(name);
        browser.findElement(By.id("password")).sendKeys(secret);
        browser.findElement(By.id("login-submit")).click();
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private boolean visible(String id) {
        return browser.findElement(By.id(id)).isDisplayed();
    }

    /** Clicks the upgrade's row (again, should the list's refresh have replaced it meanwhile) until it is open. */
    private void open(String upgradeId) {
        awaitText("the upgrade opens", () -> {
            browser.findElement(By.cssSelector("tr[data-upgrade='" + upgradeId + "']")).click();
            return text("detail-title").equals(upgradeId);
        });
    }

    private String phaseInList(String upgradeId) {
        List<WebElement> rows = browser.findElements(By.cssSelector("tr[data-upgrade='" + upgradeId + "'] .phase"));
        return rows.isEmpty() ? "" : rows.get(0).getText();
    }

    private int timelineSize() {
        return browser.findElements(By.cssSelector("#timeline li")).size();
    }

    private Set<String> seriesWithPoints() {
        Set<String> databases = new HashSet<>();
        for (WebElement line : browser.findElements(By.cssSelector("#lag-chart polyline.series"))) {
            if (Integer.parseInt(line.getDomAttribute("data-points")) >= 2) {
                databases.add(line.getDomAttribute("data-database"));
            }
        }
        return databases;
    }

    private void awaitText(String what, Callable<Boolean> condition) {
        awaitUntil(Duration.ofSeconds(20), what, condition);
    }

    private static void awaitUntil(Duration atMost, String what, Callable<Boolean> condition) {
        await(what).atMost(atMost).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(condition);
    }

    /** A real picture: a PNG of the window's size with many colours, not a blank page. */
    private static void assertScreenshot(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(bytes.length > 20_000, "a screenshot of a full page: " + bytes.length + " bytes");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        assertTrue(image.getWidth() >= 1000 && image.getHeight() >= 700, image.getWidth() + "x" + image.getHeight());
        Set<Integer> colours = new HashSet<>();
        for (int x = 0; x < image.getWidth(); x += 7) {
            for (int y = 0; y < image.getHeight(); y += 7) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 50, "text, chart and colours: " + colours.size() + " colours sampled");
    }

    private DBInstance describe() {
        return stack.rds().describeDBInstances(r -> r.dbInstanceIdentifier(BLUE)).dbInstances().get(0);
    }

    private static String url(DBInstance instance, String db) {
        return "jdbc:postgresql://" + instance.endpoint().address() + ":" + instance.endpoint().port() + "/" + db;
    }

    private void sql(String url, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(url, USER, password); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
