package io.tunet.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunet.results.drift.DriftMonitor;
import io.tunet.results.security.SecurityHeaders;
import io.tunet.schemas.Classification;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.Sample;
import io.tunet.schemas.SegmentationMask;
import io.tunet.schemas.ShadowClassification;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.KafkaBrokerTestResource;
import io.tunet.testkit.TestBroker;

/**
 * The dashboard in Debian's headless Chromium: the plate map shows the wells with results and fills in live,
 * a sample shows its masks over the composite, and a curator's labels reach the feedback topic, all under
 * the service's content security policy without a single violation; a plate in drift alarm carries a badge on the
 * plate list. Skipped (with the reason) where
 * {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} is missing.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String PLATE = "PLATE-UI";
    private static final String QUEUE_PLATE = "PLATE-QUEUE-UI";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Shadow models: a champion and the candidate shadowed beside it on their own plate. */
    private static final String SHADOW_PLATE = "PLATE-SHADOW-UI";
    private static final long SHADOW_CHAMPION = 900;
    private static final long SHADOWED = 901;
    /** Wells whose sample field QC flagged; every other well's passed. */
    private static final Map<String, String[]> QC_FLAGS = Map.of("A03", new String[] {"OUT_OF_FOCUS"},
            "B04", new String[] {"SATURATED", "DIM_GREEN"});

    /** Drift: a plate acquired out of focus and a normal one, classified by a version with a reference. */
    private static final String DRIFT_MODEL = "tunet-drift-ui";
    private static final String DRIFT_PLATE = "PLATE-DRIFT-UI";
    private static final String NORMAL_PLATE = "PLATE-NORMAL-UI";

    @TestHTTPResource("/")
    URL dashboard;

    @Inject
    DriftMonitor driftMonitor;

    private ChromeDriver browser;
    private Path profile;

    @BeforeEach
    void openBrowser() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "dashboard test skipped: needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)");
        profile = Files.createTempDirectory("results-sink-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1400,1900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        // every page records what its content security policy refused (DevTools scripts are not subject to it)
        browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "window.cspViolations = [];"
                + "document.addEventListener('securitypolicyviolation', e => window.cspViolations.push("
                + "e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));"));
    }

    @AfterEach
    void closeBrowser() throws Exception {
        if (browser != null) {
            // what the page looked like at the end, pass or fail
            Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), Path.of("target", "dashboard-last.png"),
                    StandardCopyOption.REPLACE_EXISTING);
            browser.quit();
        }
        if (profile != null) {
            try (var paths = Files.walk(profile)) {
                paths.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void shouldShowSwaggerUiUnderItsOwnPolicy() {
        browser.get(dashboard + "q/swagger-ui/");

        new WebDriverWait(browser, WAIT).until(d -> d.findElements(By.cssSelector(".swagger-ui .info .title"))
                .stream().anyMatch(title -> title.getText().contains("TUNet Stream results sink")));
        assertThat(cspViolations()).isEmpty();
    }

    @Test
    void shouldShowThePlateFillingInLiveWithMasksAndSendCuratorLabels() throws Exception {
        List<String> wells = List.of("A01", "A02", "A03", "A04", "A05", "B01", "B02", "B03", "B04", "B05");
        publishWells(wells, 0);
        Sink.awaitCaughtUp(Duration.ofSeconds(60));

        HttpResponse<String> page = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(dashboard.toURI()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().firstValue("Content-Security-Policy")).contains(SecurityHeaders.POLICY);
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");

        browser.get(dashboard + "#token=" + EmbeddedPostgresTestResource.CURATOR_TOKEN);
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.until(d -> d.findElements(By.cssSelector("#plate-select option[value='" + PLATE + "']")).size() == 1);
        new Select(browser.findElement(By.id("plate-select"))).selectByValue(PLATE);
        wait.until(d -> wellsWithResults().size() == wells.size());
        assertThat(wellsWithResults()).containsExactlyInAnyOrderElementsOf(wells);
        wait.until(d -> d.findElement(By.id("live-status")).getAttribute("class").contains("on"));

        // field QC: the flagged wells, and only they, are outlined and marked; the tooltip names the flags
        wait.until(d -> flaggedWells().size() == 2);
        assertThat(flaggedWells()).containsExactlyInAnyOrder("A03", "B04");
        assertThat(browser.findElements(By.cssSelector("#plate-map .qc-marker"))).hasSize(2);
        assertThat(tooltip("A03")).contains("Field QC: OUT_OF_FOCUS").contains("1 of 1 sample(s) flagged");
        assertThat(tooltip("B04")).contains("DIM_GREEN").contains("SATURATED");
        assertThat(tooltip("A01")).doesNotContain("Field QC");
        assertThat(browser.findElement(By.id("qc-legend")).getText()).contains("Field QC flagged")
                .contains("2 well(s) flagged");
        Path plateShot = Path.of("target", "dashboard-plate-qc.png");
        Files.copy(browser.findElement(By.cssSelector(".panel.plate")).getScreenshotAs(OutputType.FILE).toPath(),
                plateShot, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(plateShot)).isPositive();

        // a new result while the page is open: the plate map fills in without a reload
        publishWells(List.of("C07"), wells.size());
        wait.until(d -> wellsWithResults().contains("C07"));

        clickWell(wait, "A02");
        WebElement canvas = browser.findElement(By.id("sample-canvas"));
        wait.until(d -> canvas.getAttribute("data-mask-pixels") != null
                && Integer.parseInt(canvas.getAttribute("data-mask-pixels")) > 0);
        assertThat(browser.findElement(By.id("sample-title")).getText()).contains("ui-1");
        assertThat(canvas.getAttribute("data-overlay-classes")).isEqualTo("0,3");
        // the overlay really is on the canvas: the centre pixel (inside the class-0 disc) is tinted
        Object centre = browser.executeScript("const c = document.getElementById('sample-canvas');"
                + "return Array.from(c.getContext('2d').getImageData(c.width / 2, c.height / 2, 1, 1).data);");
        assertThat(centre).asList().isNotEqualTo(List.of(0L, 0L, 0L, 255L));
        assertThat(browser.findElement(By.id("sample-qc")).getText()).contains("Field QC").contains("Passed");

        // a flagged well's sample names its flags in the sample view
        clickWell(wait, "A03");
        wait.until(d -> "OUT_OF_FOCUS".equals(d.findElement(By.id("sample-qc")).getAttribute("data-flags")));
        assertThat(browser.findElement(By.id("sample-qc-flags")).getText()).isEqualTo("OUT_OF_FOCUS");
        assertThat(browser.findElement(By.id("sample-qc")).getText()).contains("focus 3.200");
        clickWell(wait, "A02");
        wait.until(d -> d.findElement(By.id("sample-title")).getText().contains("ui-1")
                && "".equals(d.findElement(By.id("sample-qc")).getAttribute("data-flags")));

        for (WebElement box : browser.findElements(By.cssSelector("#label-choices input"))) {
            boolean wanted = List.of("3", "17").contains(box.getAttribute("value"));
            if (box.isSelected() != wanted) {
                box.click();
            }
        }
        browser.findElement(By.id("label-comment")).sendKeys("spindle, not cytosol");
        browser.findElement(By.id("label-submit")).click();
        wait.until(d -> d.findElement(By.id("label-status")).getText().startsWith("Labels sent"));
        String feedbackId = browser.findElement(By.id("label-status")).getAttribute("data-feedback-id");

        List<ConsumerRecord<String, LabelFeedback>> published = TestBroker.shared().read(Topics.FEEDBACK, 1, WAIT,
                r -> r.value().getFeedbackId().equals(feedbackId));
        assertThat(published).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("ui-1");
            assertThat(r.value().getLabels()).containsExactly(3, 17);
            assertThat(r.value().getComment()).isEqualTo("spindle, not cytosol");
        });

        // the legend's swatches, the probability bars and the live stream all worked within the policy
        assertThat(browser.findElements(By.cssSelector("#mask-legend .swatch"))).hasSize(2);
        assertThat(cspViolations()).isEmpty();

        Path screenshot = Path.of("target", "dashboard.png");
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(screenshot)).isPositive();
    }

    @Test
    void shouldWalkTheLabelNextQueueShowingWhyAndAdvanceAfterEachLabel() throws Exception {
        // two unlabelled fields: Golgi on its threshold (the top of the queue), Nucleoplasm above it (next)
        List<Float> onThreshold = new ArrayList<>(java.util.Collections.nCopies(28, 0f));
        onThreshold.set(7, 0.4f);
        List<Float> above = new ArrayList<>(java.util.Collections.nCopies(28, 0f));
        above.set(0, 0.6f);
        Sink.publish(Topics.SAMPLES, List.of(Fixtures.sample("uiq-0", QUEUE_PLATE, "E01"),
                Fixtures.sample("uiq-1", QUEUE_PLATE, "E02")), Sample::getSampleId);
        Sink.publish(Topics.CLASSIFICATIONS, List.of(
                Classification.newBuilder(Fixtures.classification("uiq-0", QUEUE_PLATE, "E01", 1, 7, 0.4f, List.of(7)))
                        .setProbabilities(onThreshold).build(),
                Classification.newBuilder(Fixtures.classification("uiq-1", QUEUE_PLATE, "E02", 1, 0, 0.6f, List.of(0)))
                        .setProbabilities(above).build()), Classification::getSampleId);
        Sink.awaitCaughtUp(Duration.ofSeconds(60));

        // a viewer sees the button disabled, and why
        browser.get(dashboard + "?viewer#token=" + EmbeddedPostgresTestResource.VIEWER_TOKEN);
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.until(d -> d.findElements(By.cssSelector("#plate-select option[value='" + QUEUE_PLATE + "']")).size() == 1);
        WebElement viewerButton = browser.findElement(By.id("label-next"));
        assertThat(viewerButton.isEnabled()).isFalse();
        assertThat(viewerButton.getAttribute("title")).contains("curator token");
        assertThat(browser.findElement(By.id("label-next-note")).isDisplayed()).isTrue();

        browser.get(dashboard + "?curator#token=" + EmbeddedPostgresTestResource.CURATOR_TOKEN);
        wait.until(d -> d.findElements(By.cssSelector("#plate-select option[value='" + QUEUE_PLATE + "']")).size() == 1);
        new Select(browser.findElement(By.id("plate-select"))).selectByValue(QUEUE_PLATE);
        wait.until(d -> wellsWithResults().containsAll(List.of("E01", "E02")));
        wait.until(d -> d.findElement(By.id("label-next")).isEnabled());
        assertThat(browser.findElement(By.id("label-next-note")).isDisplayed()).isFalse();

        browser.findElement(By.id("label-next")).click();
        wait.until(d -> d.findElement(By.id("sample-title")).getText().startsWith("uiq-0")
                && "uiq-0".equals(d.findElement(By.id("queue-reason")).getAttribute("data-sample-id")));
        assertThat(browser.findElement(By.id("queue-reason")).getText())
                .startsWith("Why label this one (score ")
                .contains("Golgi apparatus at 0.40 against threshold 0.40");
        Path screenshot = Path.of("target", "dashboard-label-next.png");
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);

        // the form is pre-filled with the prediction (Golgi); the curator adds Cytosol and saves: the next one opens
        browser.findElement(By.cssSelector("#label-choices input[value='25']")).click();
        browser.findElement(By.id("label-submit")).click();
        wait.until(d -> d.findElement(By.id("sample-title")).getText().startsWith("uiq-1")
                && "uiq-1".equals(d.findElement(By.id("queue-reason")).getAttribute("data-sample-id")));
        assertThat(browser.findElement(By.id("queue-reason")).getText())
                .contains("Nucleoplasm at 0.60 against threshold 0.40");
        assertThat(browser.findElement(By.id("queue-status")).getText())
                .startsWith("Labels for uiq-0 sent. Label next: uiq-1");
        List<ConsumerRecord<String, LabelFeedback>> first = TestBroker.shared().read(Topics.FEEDBACK, 1, WAIT,
                r -> r.key().equals("uiq-0"));
        assertThat(first).singleElement().satisfies(r -> assertThat(r.value().getLabels()).containsExactly(7, 25));

        browser.findElement(By.id("label-submit")).click();
        wait.until(d -> "true".equals(d.findElement(By.id("queue-status")).getAttribute("data-empty")));
        assertThat(browser.findElement(By.id("queue-status")).getText())
                .isEqualTo("Labels for uiq-1 sent. The label-next queue is empty: every classified sample on plate "
                        + QUEUE_PLATE + " has a curator's label.");
        assertThat(browser.findElement(By.id("queue-reason")).isDisplayed()).isFalse();
        assertThat(TestBroker.shared().read(Topics.FEEDBACK, 1, WAIT, r -> r.key().equals("uiq-1")))
                .singleElement().satisfies(r -> assertThat(r.value().getLabels()).containsExactly(0));
        assertThat(cspViolations()).isEmpty();
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), Path.of("target", "dashboard-label-next-empty.png"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void shouldMarkTheDriftingPlateOnThePlateListAndNotTheNormalOne() throws Exception {
        Sink.publish(Topics.MODELS, List.of(DriftFixtures.modelVersion(DRIFT_MODEL, 1)), ModelVersion::getModelName);
        List<Classification> classifications = new ArrayList<>();
        Map<String, DriftFixtures.Plate> plates = Map.of(DRIFT_PLATE, DriftFixtures.Plate.OUT_OF_FOCUS,
                NORMAL_PLATE, DriftFixtures.Plate.NORMAL);
        plates.forEach((plate, kind) -> {
            List<DriftFixtures.Field> fields = DriftFixtures.plate(kind);
            for (int i = 0; i < fields.size(); i++) {
                String well = "ABCDEFGH".charAt(i / 12) + String.format("%02d", i % 12 + 1);
                classifications.add(DriftFixtures.classification(plate + "-" + i, plate, well, DRIFT_MODEL, 1,
                        fields.get(i)));
            }
        });
        Sink.publish(Topics.CLASSIFICATIONS, classifications, Classification::getSampleId);
        Sink.awaitCaughtUp(Duration.ofSeconds(60));
        driftMonitor.pass();

        browser.get(dashboard + "#token=" + EmbeddedPostgresTestResource.VIEWER_TOKEN);
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.until(d -> d.findElements(By.cssSelector("#plate-list li[data-plate='" + DRIFT_PLATE + "'] .drift-badge"))
                .size() == 1);
        WebElement badge = browser.findElement(By.cssSelector("#plate-list li[data-plate='" + DRIFT_PLATE
                + "'] .drift-badge"));
        assertThat(badge.getText()).isEqualTo("drift");
        assertThat(badge.getAttribute("title")).startsWith("Drift: focus at PSI ").contains("(QC_DRIFT)")
                .contains("model " + DRIFT_MODEL + " version 1");
        assertThat(badge.getCssValue("background-color")).isEqualTo("rgba(179, 38, 30, 1)");
        WebElement normal = browser.findElement(By.cssSelector("#plate-list li[data-plate='" + NORMAL_PLATE + "']"));
        assertThat(normal.findElements(By.cssSelector(".drift-badge"))).isEmpty();
        assertThat(normal.findElement(By.cssSelector(".drift-ok")).getText()).isEqualTo("no drift");
        assertThat(normal.findElement(By.cssSelector(".drift-ok")).getAttribute("title"))
                .startsWith("No drift alarm: largest PSI ");
        // the plate selector says it too
        assertThat(browser.findElement(By.cssSelector("#plate-select option[value='" + DRIFT_PLATE + "']")).getText())
                .endsWith("— drift");
        assertThat(cspViolations()).isEmpty();

        Path screenshot = Path.of("target", "dashboard-drift.png");
        Files.copy(browser.findElement(By.cssSelector(".panel.plates")).getScreenshotAs(OutputType.FILE).toPath(),
                screenshot, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(screenshot)).isPositive();
    }

    @Test
    void shouldShowChampionAndShadowSideBySideAndTheShadowedVersionPerClass() throws Exception {
        // champion v900 (Nucleoplasm 0.80, Cytosol 0.60) and candidate v901 shadowed beside it (Nucleoplasm and Golgi)
        Sink.publish(Topics.MODELS, List.of(Fixtures.modelVersion(SHADOW_CHAMPION, ModelStatus.PROMOTED, 0.7),
                Fixtures.modelVersion(SHADOWED, ModelStatus.CANDIDATE, 0.71)), ModelVersion::getModelName);
        List<Float> championP = new ArrayList<>(java.util.Collections.nCopies(28, 0.02f));
        championP.set(0, 0.8f);
        championP.set(25, 0.6f);
        championP.set(7, 0.1f);
        Sink.publish(Topics.SAMPLES, List.of(Fixtures.sample("uis-0", SHADOW_PLATE, "F01")), Sample::getSampleId);
        Sink.publish(Topics.CLASSIFICATIONS, List.of(
                Classification.newBuilder(Fixtures.classification("uis-0", SHADOW_PLATE, "F01", SHADOW_CHAMPION, 0,
                        0.8f, List.of(0, 25))).setProbabilities(championP).build(),
                Fixtures.classification("uis-1", SHADOW_PLATE, "F02", SHADOW_CHAMPION, 0, 0.8f, List.of(0)),
                Fixtures.classification("uis-2", SHADOW_PLATE, "F03", SHADOW_CHAMPION, 0, 0.8f, List.of(0))),
                Classification::getSampleId);
        // on the two labelled samples (Nucleoplasm both) the shadow finds one: F1 0.667 against the champion's 1
        Sink.publish(Topics.CLASSIFICATIONS_SHADOW, List.of(
                ShadowFixtures.shadow("uis-0", SHADOW_PLATE, "F01", SHADOWED, SHADOW_CHAMPION, List.of(0, 7),
                        List.of(0, 25), 4.4, 3.6),
                ShadowFixtures.shadow("uis-1", SHADOW_PLATE, "F02", SHADOWED, SHADOW_CHAMPION, List.of(0), List.of(0),
                        4.0, 3.0),
                ShadowFixtures.shadow("uis-2", SHADOW_PLATE, "F03", SHADOWED, SHADOW_CHAMPION, List.of(), List.of(0),
                        6.0, 3.0)), ShadowClassification::getSampleId);
        Sink.publish(Topics.FEEDBACK, List.of(ShadowFixtures.label("uis-1", List.of(0)),
                ShadowFixtures.label("uis-2", List.of(0))), LabelFeedback::getSampleId);
        Sink.awaitCaughtUp(Duration.ofSeconds(60));

        browser.get(dashboard + "#token=" + EmbeddedPostgresTestResource.VIEWER_TOKEN);
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.until(d -> d.findElements(By.cssSelector("#plate-select option[value='" + SHADOW_PLATE + "']")).size() == 1);
        new Select(browser.findElement(By.id("plate-select"))).selectByValue(SHADOW_PLATE);
        wait.until(d -> wellsWithResults().contains("F01"));
        clickWell(wait, "F01");

        // the sample view: champion and shadow side by side, the classes they disagree on marked
        wait.until(d -> d.findElement(By.id("sample-title")).getText().startsWith("uis-0")
                && String.valueOf(SHADOWED).equals(d.findElement(By.id("sample-shadow")).getAttribute("data-versions")));
        WebElement compare = browser.findElement(By.id("sample-shadow"));
        assertThat(compare.isDisplayed()).isTrue();
        assertThat(compare.getText()).contains("champion v900 (served) and shadow v901")
                .contains("Disagree on Golgi apparatus (shadow only), Cytosol (champion only).")
                .contains("champion 3.6 ms, shadow 4.4 ms");
        assertThat(shadowCells(0)).containsExactly("Nucleoplasm", "80.0% ✓", "90.0% ✓");
        assertThat(shadowCells(25)).containsExactly("Cytosol", "60.0% ✓", "5.0%");
        assertThat(shadowCells(7)).containsExactly("Golgi apparatus", "10.0%", "90.0% ✓");
        assertThat(compare.findElements(By.cssSelector("tr.disagree"))).extracting(e -> e.getAttribute("data-class"))
                .containsExactlyInAnyOrder("7", "25");
        // the served result is still the champion's
        assertThat(browser.findElement(By.cssSelector("#probabilities caption")).getText()).isEqualTo("tunet v900");
        Files.copy(browser.findElement(By.id("sample-view")).getScreenshotAs(OutputType.FILE).toPath(),
                Path.of("target", "dashboard-shadow-sample.png"), StandardCopyOption.REPLACE_EXISTING);

        // the shadow panel: the version's summary, and per class where the shadow is worse
        By versionRow = By.cssSelector("#shadow-versions tr[data-version='" + SHADOWED + "']");
        wait.until(d -> d.findElements(versionRow).size() == 1);
        browser.findElement(versionRow).click();
        wait.until(d -> String.valueOf(SHADOWED).equals(d.findElement(By.id("shadow-detail")).getAttribute("data-version")));
        List<String> summary = browser.findElement(versionRow).findElements(By.tagName("td")).stream()
                .map(WebElement::getText).toList();
        assertThat(summary).containsExactly("tunet", "v901", "CANDIDATE", "v900", "3", "33.3% (1)", "2", "0.667",
                "1.000", "4.4 / 5.8", "3.0 / 3.5");
        assertThat(browser.findElement(By.cssSelector("#shadow-versions tr[data-version='" + SHADOWED + "'] td.worse"))
                .getText()).isEqualTo("0.667");
        WebElement nucleoplasm = browser.findElement(By.cssSelector("#shadow-classes tr[data-class='0']"));
        assertThat(nucleoplasm.getAttribute("class")).contains("worse");
        assertThat(nucleoplasm.findElements(By.tagName("td")).stream().map(WebElement::getText).toList())
                .containsExactly("Nucleoplasm", "2", "3", "66.7%", "2", "1.000", "1.000", "0.667", "1.000");
        WebElement golgi = browser.findElement(By.cssSelector("#shadow-classes tr[data-class='7']"));
        assertThat(golgi.getAttribute("class")).doesNotContain("worse");
        assertThat(golgi.findElements(By.tagName("td")).stream().map(WebElement::getText).toList())
                .containsExactly("Golgi apparatus", "1", "0", "66.7%", "0", "0.000", "0.000", "n/a", "n/a");
        assertThat(browser.findElements(By.cssSelector("#shadow-classes tr.worse"))).hasSize(1);
        assertThat(browser.findElement(By.id("shadow-detail-title")).getText())
                .isEqualTo("tunet v901 per class: 3 shadowed samples, 2 with a curator label, 1 class(es) present in "
                        + "those labels");
        assertThat(cspViolations()).isEmpty();
        Path screenshot = Path.of("target", "dashboard-shadow-panel.png");
        // an element screenshot keeps only what lies in the window: bring the whole panel into it
        browser.executeScript("document.getElementById('shadow-panel').scrollIntoView({block: 'start'});");
        Files.copy(browser.findElement(By.id("shadow-panel")).getScreenshotAs(OutputType.FILE).toPath(), screenshot,
                StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(screenshot)).isPositive();
    }

    /** The texts of one class's row in the sample view's champion-vs-shadow table. */
    private List<String> shadowCells(int classIndex) {
        return browser.findElements(By.cssSelector("#sample-shadow tr[data-class='" + classIndex + "'] td")).stream()
                .map(WebElement::getText).toList();
    }

    /** Clicks a well, again if the map was redrawn under the click. */
    private static void clickWell(WebDriverWait wait, String well) {
        wait.until(d -> {
            try {
                d.findElement(By.cssSelector("#plate-map circle[data-well='" + well + "']")).click();
                return true;
            } catch (StaleElementReferenceException e) {
                return false;
            }
        });
    }

    @SuppressWarnings("unchecked")
    private List<String> flaggedWells() {
        return (List<String>) browser.executeScript("return Array.from(document.querySelectorAll("
                + "'#plate-map circle.qc-flagged')).map(e => e.dataset.well);");
    }

    /** The tooltip (SVG title) of a well. */
    private String tooltip(String well) {
        return (String) browser.executeScript("return document.querySelector(\"#plate-map circle[data-well='"
                + well + "'] title\").textContent;");
    }

    /** What the current page's content security policy refused so far. */
    @SuppressWarnings("unchecked")
    private List<String> cspViolations() {
        return (List<String>) browser.executeScript("return window.cspViolations;");
    }

    /** Read in one script: the map is redrawn whenever results arrive, so element handles go stale. */
    @SuppressWarnings("unchecked")
    private List<String> wellsWithResults() {
        return (List<String>) browser.executeScript("return Array.from(document.querySelectorAll("
                + "'#plate-map circle.has-result')).map(e => e.dataset.well);");
    }

    private static void publishWells(List<String> wells, int firstIndex) {
        List<Sample> samples = new ArrayList<>();
        List<Classification> classifications = new ArrayList<>();
        List<SegmentationMask> masks = new ArrayList<>();
        for (int i = 0; i < wells.size(); i++) {
            String id = "ui-" + (firstIndex + i);
            int top = List.of(25, 0, 2, 7, 14).get((firstIndex + i) % 5);
            List<Integer> labels = List.of(top, 3);
            samples.add(Fixtures.sample(id, PLATE, wells.get(i)));
            String[] flags = QC_FLAGS.getOrDefault(wells.get(i), new String[0]);
            classifications.add(Classification.newBuilder(
                    Fixtures.classification(id, PLATE, wells.get(i), 1, top, 0.55f + 0.04f * i, labels))
                    .setQc(Fixtures.qc(flags)).build());
            masks.add(Fixtures.masks(id, 1, labels));
        }
        Sink.publish(Topics.SAMPLES, samples, Sample::getSampleId);
        Sink.publish(Topics.MASKS, masks, SegmentationMask::getSampleId);
        Sink.publish(Topics.CLASSIFICATIONS, classifications, Classification::getSampleId);
    }
}
