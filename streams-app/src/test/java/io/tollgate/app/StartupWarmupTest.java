package io.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.config.TollgateConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupWarmupTest {

    private static final TollgateConfig CONFIG = TollgateConfig.defaultsWith(Map.of());

    @TempDir
    Path temp;

    private StartupWarmup.Report run(Path dir, int calls, Duration budget, boolean stopAtOnce) {
        return StartupWarmup.run(CONFIG.topologySettings(4), CONFIG.limiterSettings(), dir, calls, budget, () -> stopAtOnce);
    }

    @Test
    void shouldDecideOnTheRealTopologyWithCallsThatWaitAndLeaveNoDirectoryBehind() throws IOException {
        Path dir = temp.resolve("tollgate-limiter-warmup");
        // What a process killed during its warm-up left behind.
        Files.createDirectories(dir.resolve("tollgate-warmup/0_0"));
        Files.createFile(dir.resolve(StartupWarmup.MARKER));

        StartupWarmup.Report report = run(dir, 3_000, Duration.ofSeconds(60), false);

        assertThat(report.calls()).isEqualTo(3_000);
        assertThat(report.rejected()).as("made-up calls that are not valid would warm the error path, not the decisions").isZero();
        // 20 accounts, three tokens each on a plan of 20 calls per 2 s: about 55 calls per token, so windows fill, calls wait
        // and go at later punctuations, as in a burst.
        assertThat(report.delayed()).as("calls told to wait").isPositive();
        assertThat(report.dispatched()).isBetween(1_000, 3_000);
        assertThat(dir).doesNotExist();
    }

    @Test
    void shouldLeaveADirectoryThatIsNotAWarmupsAsItIs() throws IOException {
        Path dir = temp.resolve("tollgate-limiter-warmup");
        Path precious = Files.createDirectories(dir).resolve("precious");
        Files.writeString(precious, "someone else's");

        assertThat(run(dir, 3_000, Duration.ofSeconds(60), false).calls()).isZero();
        assertThat(precious).hasContent("someone else's");
    }

    @Test
    void shouldDoNothingWhenTurnedOff() {
        assertThat(run(temp.resolve("w"), 0, Duration.ofSeconds(60), false)).isEqualTo(StartupWarmup.Report.NONE);
        assertThat(temp.resolve("w")).doesNotExist();
    }

    @Test
    void shouldStopWhenToldTo() {
        StartupWarmup.Report report = run(temp.resolve("w"), 1_000_000, Duration.ofSeconds(60), true);

        assertThat(report.calls()).isZero();
        assertThat(temp.resolve("w")).doesNotExist();
    }

    @Test
    void shouldStopAtItsBudget() {
        StartupWarmup.Report report = run(temp.resolve("w"), 1_000_000, Duration.ofSeconds(2), false);

        assertThat(report.calls()).as("some calls, not the million asked for").isBetween(1, 999_999);
        // The budget counts from the end of setting up and is checked between punctuations; the report's time also
        // holds setting up and closing the copy.
        assertThat(report.millis()).isLessThan(2_000 + 20_000);
        assertThat(temp.resolve("w")).doesNotExist();
    }

    @Test
    void shouldStopABackgroundWarmupWhenTheAppTakesInItsFirstRecord() {
        Path dir = temp.resolve("w");
        java.util.concurrent.atomic.AtomicBoolean busy = new java.util.concurrent.atomic.AtomicBoolean();
        StartupWarmup warmup = StartupWarmup.startInBackground(CONFIG.topologySettings(4), CONFIG.limiterSettings(), dir, 1_000_000,
                busy::get);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("tollgate-warmup")));

        busy.set(true);

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !warmup.isRunning());
        assertThat(dir).doesNotExist();
    }

    @Test
    void shouldLetTheAppStartWhenTheWarmupCannotRun() throws IOException {
        Path notADirectory = Files.createFile(temp.resolve("a-file"));

        StartupWarmup.Report report = run(notADirectory.resolve("w"), 3_000, Duration.ofSeconds(60), false);

        assertThat(report.calls()).isZero();
    }

    @Test
    void shouldStopABackgroundWarmupWhenClosed() {
        Path dir = temp.resolve("w");
        StartupWarmup warmup = StartupWarmup.startInBackground(CONFIG.topologySettings(4), CONFIG.limiterSettings(), dir, 1_000_000,
                () -> false);
        // The copy's stores are open: it is deciding calls, or about to.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("tollgate-warmup")));

        warmup.close(Duration.ofSeconds(30));

        assertThat(warmup.isRunning()).isFalse();
        assertThat(dir).as("closed, so its copy is closed and its directory gone").doesNotExist();
    }
}
