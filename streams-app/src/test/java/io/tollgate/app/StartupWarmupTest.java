package io.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.config.TollgateConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupWarmupTest {

    private static final TollgateConfig CONFIG = TollgateConfig.defaultsWith(Map.of());

    @TempDir
    Path stateParent;

    @Test
    void shouldDecideTheMadeUpCallsOnTheRealTopologyLetWaitingOnesGoAndLeaveNothingBehind() throws IOException {
        StartupWarmup.Report report = StartupWarmup.run(CONFIG.topologySettings(4), CONFIG.limiterSettings(), stateParent, 600,
                Duration.ofSeconds(60));

        assertThat(report.calls()).isEqualTo(600);
        assertThat(report.rejected()).as("made-up calls that are not valid would warm the error path, not the decisions").isZero();
        // 20 accounts, three tokens each on a 20-per-2-s plan: more calls per token than a window allows, so some
        // waited and went at later punctuations; the clock runs on until the queues empty.
        assertThat(report.dispatched()).isEqualTo(600);
        try (Stream<Path> left = Files.list(stateParent)) {
            assertThat(left).as("the copy's RocksDB directory is deleted").isEmpty();
        }
    }

    @Test
    void shouldDoNothingWhenTurnedOff() {
        assertThat(StartupWarmup.run(CONFIG.topologySettings(4), CONFIG.limiterSettings(), stateParent, 0, Duration.ofSeconds(60)))
                .isEqualTo(new StartupWarmup.Report(0, 0, 0, 0));
    }

    @Test
    void shouldStopAtItsBudget() {
        StartupWarmup.Report report = StartupWarmup.run(CONFIG.topologySettings(4), CONFIG.limiterSettings(), stateParent, 1_000_000,
                Duration.ofSeconds(3));

        assertThat(report.calls()).as("some calls, not the million asked for").isBetween(1, 999_999);
        // The budget is checked between batches of a hundred calls: it ends within one batch of its time.
        assertThat(report.millis()).isLessThan(3_000 + 2_000);
    }
}
