package io.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tollgate.app.TollgateApp;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.config.TollgateConfig;
import io.tollgate.config.TopicNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromium-driver; Selenium with the
 * system driver, nothing downloaded): after the token is typed in, it shows the numbers the API gives.
 */
class DashboardIT extends TollgateITBase {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String TOKEN = "dashboard-it-token-51c9";
    private static final String ACCOUNT = "dash-acct";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY = DispatcherStandIn.policy(List.of(ACCOUNT));

    @Test
    void shouldShowTheNumbersTheApiGives() throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        // .ci/run installs both; elsewhere the test needs them installed (apt-get install chromium chromium-driver).
        Assumptions.assumeTrue(installed || System.getenv("CI") != null, "chromium and chromium-driver are not installed");
        try (TollgateApp app = startTollgate("dash", POLICY, Map.of(TollgateConfig.REST_AUTH_TOKEN, TOKEN,
                TollgateConfig.RESULT_WAIT_MS, "10000"));
             KafkaProducer<String, SpecificRecord> producer = KafkaTestSupport.avroProducer(app.bootstrapServers(), app.registryUrl());
             KafkaConsumer<String, DispatchedCall> dispatch = KafkaTestSupport.committedConsumer(app.bootstrapServers(),
                     app.registryUrl(), DispatchedCall.class, "dash.dispatch")) {
            TopicNames topics = app.config().topics();
            for (int i = 0; i < 8; i++) {
                producer.send(new ProducerRecord<>(topics.requests(), ACCOUNT, DispatcherStandIn.request(ACCOUNT, i)));
            }
            producer.flush();
            List<ConsumerRecord<String, DispatchedCall>> dispatched = KafkaTestSupport.readUntil(dispatch, r -> r.size() >= 5,
                    Duration.ofSeconds(60));
            dispatched.forEach(r -> producer.send(new ProducerRecord<>(topics.results(), r.key(), DispatcherStandIn.success(r.value()))));
            producer.flush();
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> api(app, "/accounts/" + ACCOUNT + "/usage/today").path("data").path("calls").asLong() == 5);

            WebDriver browser = browser();
            try {
                browser.get(app.restUrl() + "/dashboard/?account=" + ACCOUNT);
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                wait.ignoring(StaleElementReferenceException.class);
                WebElement token = wait.until(d -> {
                    WebElement field = d.findElement(By.id("token"));
                    return field.isDisplayed() ? field : null;
                });
                token.sendKeys(TOKEN, Keys.TAB);
                wait.until(d -> "5".equals(d.findElement(By.id("today-total")).getDomAttribute("data-calls"))
                        && "3".equals(d.findElement(By.id("queue-total")).getDomAttribute("data-waiting"))
                        && d.findElements(By.cssSelector("#calls tbody tr")).size() == 5);

                // One snapshot of the page, taken in a single script: the page redraws every two seconds, and
                // elements read one by one could belong to different drawings.
                JsonNode page = JSON.readTree((String) ((JavascriptExecutor) browser).executeScript("""
                        const text = (selector) => document.querySelector(selector).innerText;
                        return JSON.stringify({
                          counters: [...document.querySelectorAll('[data-counter]')].map((e) => ({key: e.dataset.counter,
                            used: e.querySelector('.figures').dataset.used, limit: e.querySelector('.figures').dataset.limit,
                            text: e.querySelector('.figures').textContent, binding: e.classList.contains('binding')})),
                          charted: [...document.querySelectorAll('#chart rect')].reduce((sum, r) => sum + Number(r.dataset.calls), 0),
                          byIntegration: text('#by-integration tbody'), byEntity: text('#by-entity tbody'),
                          queue: text('#queue tbody'), calls: text('#calls tbody')});
                        """));

                JsonNode usage = api(app, "/accounts/" + ACCOUNT + "/usage");
                assertThat(usage.path("data").path("counters").size()).isEqualTo(2);
                assertThat(page.path("counters").size()).isEqualTo(2);
                for (JsonNode counter : usage.path("data").path("counters")) {
                    String key = counter.path("rule").asText() + "|" + counter.path("subject").asText();
                    JsonNode shown = null;
                    for (JsonNode c : page.path("counters")) {
                        shown = c.path("key").asText().equals(key) ? c : shown;
                    }
                    assertThat(shown).as("the page shows " + key).isNotNull();
                    assertThat(shown.path("used").asText()).isEqualTo(counter.path("used").asText());
                    assertThat(shown.path("limit").asText()).isEqualTo(counter.path("limit").asText());
                    assertThat(shown.path("text").asText()).startsWith(counter.path("used").asText() + " / " + counter.path("limit").asText());
                    assertThat(shown.path("binding").asBoolean()).isEqualTo(counter.path("binding").asBoolean());
                }
                JsonNode today = api(app, "/accounts/" + ACCOUNT + "/usage/today?by=integration");
                assertThat(page.path("charted").asLong()).isEqualTo(today.path("data").path("calls").asLong());
                assertThat(page.path("byIntegration").asText()).containsPattern("crm\\s+5\\s+5");
                assertThat(page.path("byEntity").asText()).contains("/v1/deals/{id}");
                assertThat(page.path("queue").asText()).contains("crm").contains("burst");
                assertThat(page.path("calls").asText()).contains("SUCCESS");
                assertThat(browser.getPageSource()).doesNotContain(TOKEN);

                Path screenshot = Path.of("target", "dashboard.png");
                Files.createDirectories(screenshot.getParent());
                Files.write(screenshot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
                assertThat(Files.size(screenshot)).isPositive();
            } finally {
                browser.quit();
            }
        }
    }

    private static WebDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1400");
        // The system driver: Selenium Manager never looks for (or downloads) another.
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        return new ChromeDriver(service, options);
    }

    private static JsonNode api(TollgateApp app, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.restUrl() + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
