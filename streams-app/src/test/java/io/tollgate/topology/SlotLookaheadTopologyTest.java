package io.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.DispatchedCall;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A punctuation plans a call the limits admit before the next punctuation for that very moment; no later
 * decision of the task is made for an earlier time than a slot already given.
 */
class SlotLookaheadTopologyTest {

    private static final String TWO_ACCOUNTS = """
            policies:
              - id: p
                rules:
                  - {id: r, key: credential, %s}
            accounts: [{id: acme, policy: p}, {id: globex, policy: p}]
            """;

    private TopologyFixture fx;

    @AfterEach
    void close() throws Exception {
        fx.close();
    }

    private void seed(String limit) {
        fx.seed("""
                policies:
                  - id: p
                    rules:
                      - {id: r, key: credential, %s}
                accounts: [{id: acme, policy: p}]
                """.formatted(limit));
    }

    @Test
    void shouldPlanACallForTheMomentTheWindowFreesNotForTheNextPunctuation() throws Exception {
        fx = TopologyFixture.start();
        seed("slidingWindow: {limit: 1, window: 1s}");
        fx.send(TopologyFixture.request("a").build());
        fx.send(TopologyFixture.request("b").build());

        fx.jump(970);

        assertThat(fx.dispatchedIds()).containsExactly("a", "b");
        assertThat(fx.dispatched().get(1).getExecuteAt()).as("planned at 970 ms, for the window's turn at 1000 ms, not at 1020")
                .isEqualTo(TopologyFixture.T0.plusMillis(1000));
    }

    @Test
    void shouldNotHoldBackAnotherAccountsCallBehindASlotGivenAhead() throws Exception {
        fx = TopologyFixture.start();
        fx.seed(TWO_ACCOUNTS.formatted("fixedWindow: {limit: 1, window: 1s}"));
        fx.send(TopologyFixture.request("a").build());
        fx.send(TopologyFixture.request("b").build());
        fx.jump(960);
        assertThat(fx.dispatched().get(1).getExecuteAt()).as("b is given the next window's first moment by this drain")
                .isEqualTo(TopologyFixture.T0.plusMillis(1000));

        fx.send(TopologyFixture.request("g").setAccount("globex").setCredentialRef("globex/token").build());

        assertThat(fx.dispatchedIds()).containsExactly("a", "b", "g");
        assertThat(fx.dispatched().get(2).getExecuteAt()).as("globex's own window is free at once")
                .isEqualTo(TopologyFixture.T0.plusMillis(960));
    }

    @Test
    void shouldNeverDecideAnotherCallForATimeBeforeASlotAlreadyGiven() throws Exception {
        fx = TopologyFixture.start();
        seed("fixedWindow: {limit: 1, window: 1s}");
        fx.send(TopologyFixture.request("a").build());
        fx.send(TopologyFixture.request("b").build());
        fx.jump(970);
        assertThat(fx.dispatched()).extracting(DispatchedCall::getExecuteAt)
                .containsExactly(TopologyFixture.T0, TopologyFixture.T0.plusMillis(1000));

        // A call of another lane at 975 ms: the window of [0, 1000) is spent, and b took the one of [1000, 2000).
        fx.jump(5);
        fx.send(TopologyFixture.request("c").setIntegration("other").build());
        fx.jump(1000);

        assertThat(fx.dispatchedIds()).containsExactly("a", "b", "c");
        Instant c = fx.dispatched().get(2).getExecuteAt();
        assertThat(c).as("the next fixed window: one call per window, as the vendor counts").isAfterOrEqualTo(TopologyFixture.T0.plusMillis(2000));
    }
}
