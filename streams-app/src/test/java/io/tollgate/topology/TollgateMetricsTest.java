package io.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TollgateMetricsTest {

    @Test
    void shouldKeepTimesFromHostileRecordsWithinAWeekInsteadOfFailingOnThem() {
        TollgateMetrics metrics = new TollgateMetrics();

        // A result whose times are centuries apart (both within what the validator accepts) overflowed nanoseconds.
        metrics.dispatchLag(Long.MAX_VALUE);
        metrics.waited(Long.MIN_VALUE);

        assertThat(metrics.prometheus())
                .contains("tollgate_dispatch_lag_seconds_max 604800.0")
                .contains("tollgate_wait_seconds_max 0.0");
        metrics.close();
    }
}
