package io.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.DispatchedCall;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A drain plans a call the limits admit within its look-ahead for that very moment. A slot given ahead holds back the
 * later calls of its lane and decisions on its sliding windows and permits, and nothing else.
 */
class SlotLookaheadTopologyTest {

    private TopologyFixture fx;

    @AfterEach
    void close() throws Exception {
        fx.close();
    }

    private void seed(String key, String limit) {
        fx.seed("""
                policies:
                  - id: p
                    rules:
                      - {id: r, key: %s, %s}
                accounts: [{id: acme, policy: p}, {id: globex, policy: p}]
                """.formatted(key, limit));
    }

    /** Starts with one rule, {@code limit} per {@code key}, and sends calls a and b of one lane at time 0. */
    private void startWithAAndB(String key, String limit) throws Exception {
        fx = TopologyFixture.start();
        seed(key, limit);
        fx.send(TopologyFixture.request("a").build());
        fx.send(TopologyFixture.request("b").build());
    }

    @Test
    void shouldPlanACallForTheMomentTheWindowFreesNotForTheNextPunctuation() throws Exception {
        startWithAAndB("credential", "slidingWindow: {limit: 1, window: 1s}");

        fx.jump(970);

        assertThat(fx.dispatchedIds()).containsExactly("a", "b");
        assertThat(fx.dispatched().get(1).getExecuteAt()).as("planned at 970 ms, for the window's turn at 1000 ms, not at 1020")
                .isEqualTo(TopologyFixture.T0.plusMillis(1000));
    }

    @Test
    void shouldPlanACallForTheMomentTheWindowFreesWhenTheNextPunctuationComesLate() throws Exception {
        startWithAAndB("credential", "slidingWindow: {limit: 1, window: 1s}");

        fx.jump(930); // a punctuation 70 ms before the window turns; the next comes 80 ms late, at 1010 ms
        fx.jump(80);

        assertThat(fx.dispatchedIds()).containsExactly("a", "b");
        assertThat(fx.dispatched().get(1).getExecuteAt()).as("planned at 930 ms for the window's turn, not at the late punctuation")
                .isEqualTo(TopologyFixture.T0.plusMillis(1000));
    }

    @Test
    void shouldNotHoldBackAnotherLaneOrAccountBehindASlotGivenAhead() throws Exception {
        startWithAAndB("credential", "slidingWindow: {limit: 1, window: 1s}");
        fx.jump(930);
        assertThat(fx.dispatched().get(1).getExecuteAt()).as("b is given the window's turn, 1000 ms, by this drain")
                .isEqualTo(TopologyFixture.T0.plusMillis(1000));

        // Another credential of the account, in another lane, whose own window is free now; and another account.
        fx.send(TopologyFixture.request("c").setIntegration("other").setCredentialRef("cred-2").build());
        fx.send(TopologyFixture.request("d").setAccount("globex").build());

        assertThat(fx.dispatchedIds()).containsExactly("a", "b", "c", "d");
        assertThat(fx.dispatched().get(2).getExecuteAt()).as("the other lane goes at once").isEqualTo(TopologyFixture.T0.plusMillis(930));
        assertThat(fx.dispatched().get(3).getExecuteAt()).as("and so does the other account").isEqualTo(TopologyFixture.T0.plusMillis(930));
    }

    @Test
    void shouldNotLetACallOvertakeOneOfItsLanePlannedAhead() throws Exception {
        startWithAAndB("user", "slidingWindow: {limit: 1, window: 1s}");
        fx.jump(930);

        // The same lane (integration and credential) for another user, whose window is free: it must not reach the
        // vendor before b.
        fx.send(TopologyFixture.request("c").setUser("user-2").build());

        assertThat(fx.dispatchedIds()).containsExactly("a", "b", "c");
        assertThat(fx.dispatched().get(2).getExecuteAt()).isEqualTo(TopologyFixture.T0.plusMillis(1000));
    }

    @Test
    void shouldNotAskASlidingWindowAboutATimeBeforeASlotItWasGiven() throws Exception {
        fx = TopologyFixture.start();
        seed("credential", "slidingWindow: {limit: 2, window: 1s}");
        fx.send(TopologyFixture.request("a1").build());
        fx.send(TopologyFixture.request("a2").build());
        fx.send(TopologyFixture.request("b").build());
        fx.jump(930);
        // b was given 1000 ms, when a1 and a2 leave the window; charged there, the window no longer holds them.
        assertThat(fx.dispatched().get(2).getExecuteAt()).isEqualTo(TopologyFixture.T0.plusMillis(1000));

        // Another lane on the same credential. Asked about 930 ms, the window would see b alone and let it go with
        // a1 and a2 still in the vendor's window: three in one second where two are allowed.
        fx.send(TopologyFixture.request("c").setIntegration("other").build());

        assertThat(fx.dispatchedIds()).containsExactly("a1", "a2", "b", "c");
        assertThat(fx.dispatched().get(3).getExecuteAt()).as("decided for b's slot at the earliest")
                .isEqualTo(TopologyFixture.T0.plusMillis(1000));
    }

    @Test
    void shouldNeverDecideAnotherCallForATimeBeforeASlotAlreadyGiven() throws Exception {
        startWithAAndB("credential", "fixedWindow: {limit: 1, window: 1s}");
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
