package io.tollgate.topology;

import static io.tollgate.topology.TopologyFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.RejectedCall;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LimiterTopologyTest {

    private static final String THREE_PER_2S = """
            policies:
              - id: p
                rules:
                  - {id: burst, key: credential, slidingWindow: {limit: 3, window: 2s}}
            accounts:
              - {id: acme, policy: p}
            """;

    private TopologyFixture fx;

    @BeforeEach
    void startFixture() throws Exception {
        fx = TopologyFixture.start();
    }

    @AfterEach
    void close() throws Exception {
        fx.close();
    }

    @Test
    void shouldDispatchUpToTheLimitAndReleaseTheRestInOrderWhenTheWindowAllows() throws Exception {
        fx.seed(THREE_PER_2S);

        IntStream.range(0, 8).forEach(i -> fx.send(request("r" + i).build()));

        assertThat(fx.dispatchedIds()).containsExactly("r0", "r1", "r2");
        assertThat(fx.delayed()).hasSize(5);
        assertThat(fx.delayed().get(0).getBindingRule()).isEqualTo("burst");
        assertThat(fx.delayed().get(0).getNotBefore()).isEqualTo(TopologyFixture.T0.plusMillis(2000));

        fx.advance(1900);
        assertThat(fx.dispatchedIds()).hasSize(3);
        fx.advance(50); // within the drain's look-ahead of the window's turn: planned for that moment
        assertThat(fx.dispatchedIds()).containsExactly("r0", "r1", "r2", "r3", "r4", "r5");
        fx.advance(2000);
        assertThat(fx.dispatchedIds()).containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7");
        List<DispatchedCall> all = fx.dispatched();
        assertThat(all.get(3).getCharges().get(0).getRemaining()).isEqualTo(2);
        assertThat(all.get(3).getExecuteAt()).isEqualTo(TopologyFixture.T0.plusMillis(2000));
    }

    @Test
    void shouldRejectUndecodableBytesAndInvalidJsonAndKeepProcessing() throws Exception {
        fx.seed(THREE_PER_2S);

        fx.sendRaw("acme", new byte[] {(byte) 0xff, 0x13, 0x37});
        fx.sendRaw("acme", "{\"request_id\":\"j1\",\"account\":\"acme\",\"auth_kind\":\"API_TOKEN\"}".getBytes());
        fx.sendRaw("acme", ("{\"request_id\":\"j2\",\"account\":\"acme\",\"credential_ref\":\"cred-1\",\"auth_kind\":\"api_token\","
                + "\"integration\":\"crm\",\"method\":\"GET\",\"path\":\"/v1/deals\",\"cost\":-3}").getBytes());
        fx.sendRaw("acme", ("{\"request_id\":\"j3\",\"account\":\"acme\",\"credential_ref\":\"cred-1\",\"auth_kind\":\"api_token\","
                + "\"integration\":\"crm\",\"method\":\"GET\",\"path\":\"/v1/deals\"}").getBytes());

        List<RejectedCall> rejected = fx.rejected();
        assertThat(rejected).extracting(RejectedCall::getReason).containsExactly("UNDECODABLE", "INVALID_REQUEST", "INVALID_REQUEST");
        assertThat(rejected.get(0).getDetail()).contains("first byte 0xff");
        assertThat(rejected.get(0).getSource().getOffset()).isZero();
        assertThat(rejected.get(1).getDetail()).contains("'credential_ref' is required");
        assertThat(rejected.get(1).getRequestId()).isEqualTo("j1");
        assertThat(rejected.get(2).getDetail()).contains("cost must be between 1 and");
        assertThat(rejected.get(2).getRequestId()).isEqualTo("j2");
        assertThat(fx.dispatchedIds()).containsExactly("j3");
    }
}
