package io.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.Outcome;
import io.tollgate.topology.store.InFlightCall;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActivityRecordsTest {

    @Test
    void shouldNeverDateACallLaterThanNowWhateverTheDispatcherSays() {
        DispatchedCall call = DispatchedCall.newBuilder().setRequest(TopologyFixture.request("r1").build())
                .setDecidedAt(TopologyFixture.T0).setExecuteAt(TopologyFixture.T0).setExpiresAt(TopologyFixture.T0.plusMillis(100))
                .setAttempt(1).setCharges(List.of()).setShadowViolations(List.of()).build();
        DispatchResult future = DispatchResult.newBuilder(TopologyFixture.resultOf(call, Outcome.SUCCESS, 200, Map.of()))
                .setExecutedAt(Instant.parse("9999-12-31T23:59:59Z")).build();
        long now = TopologyFixture.T0.toEpochMilli() + 50;

        assertThat(ActivityRecords.result(future, new InFlightCall(1, 1, now, now, now, 0, List.of()), now).atMs()).isEqualTo(now);
    }
}
