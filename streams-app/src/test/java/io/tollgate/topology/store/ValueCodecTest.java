package io.tollgate.topology.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.limiter.RuleCharge;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueCodecTest {

    @Test
    void shouldKeepEveryFieldOfACallInFlightIncludingWhatWasCountedElsewhereWhenItWasCharged() {
        InFlightCall call = new InFlightCall(7, 2, 1_000, 1_200, 900, 1,
                List.of(new RuleCharge("budget", "account:acme", 10, 1000, 600, 5_000L, false, 290),
                        new RuleCharge("burst", "credential:c", 1, 40, 39, null, true)), 3_600_000, "daily-token-budget");

        InFlightCall read = ValueCodec.decodeInFlight(ValueCodec.encodeInFlight(call));

        assertThat(read).isEqualTo(call);
        assertThat(read.charges().get(0).untracked()).isEqualTo(290);
    }

    @Test
    void shouldReadACallInFlightWrittenByTheReleaseBeforeWithNothingCountedElsewhere() {
        InFlightCall call = new InFlightCall(7, 2, 1_000, 1_200, 900, 1,
                List.of(new RuleCharge("budget", "account:acme", 10, 1000, 600, 5_000L, false)), 60_000);
        byte[] current = ValueCodec.encodeInFlight(call);
        // The previous layout: the same bytes without the trailing untracked count of each charge and the rule
        // waited for (a false flag here), under version 4.
        byte[] previous = Arrays.copyOf(current, current.length - Long.BYTES - 1);
        previous[0] = ValueCodec.VERSION_4;

        assertThat(ValueCodec.decodeInFlight(previous)).isEqualTo(call);
    }

    @Test
    void shouldReadACallInFlightOfVersion5WithoutTheRuleItWaitedFor() {
        InFlightCall call = new InFlightCall(7, 2, 1_000, 1_200, 900, 1,
                List.of(new RuleCharge("budget", "account:acme", 10, 1000, 600, 5_000L, false, 290)), 60_000);
        byte[] current = ValueCodec.encodeInFlight(call);
        byte[] previous = Arrays.copyOf(current, current.length - 1);
        previous[0] = ValueCodec.VERSION_5;

        assertThat(ValueCodec.decodeInFlight(previous)).isEqualTo(call);
    }

    @Test
    void shouldRefuseAVersionFromALaterRelease() {
        byte[] bytes = ValueCodec.encodeInFlight(new InFlightCall(1, 1, 1, 1, 1, 0, List.of(), 0));
        bytes[0] = (byte) (ValueCodec.CURRENT + 1);

        assertThatThrownBy(() -> ValueCodec.decodeInFlight(bytes)).hasMessageContaining("is not one this release reads");
    }
}
