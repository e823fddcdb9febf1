package io.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EarlyResultsTest {

    private static EarlyResults.Raw raw(String key) {
        return new EarlyResults.Raw(key, new byte[0]);
    }

    @Test
    void shouldKeepOnlyTheResultsOfClaimedPartitionsInOrderUntilTaken() {
        EarlyResults early = new EarlyResults(10);
        EarlyResults.Claim claim = early.claim(1);

        assertThat(early.offer(0, raw("elsewhere"))).isFalse();
        assertThat(early.offer(1, raw("a"))).isTrue();
        early.offer(1, raw("b"));

        assertThat(claim.take()).extracting(EarlyResults.Raw::key).containsExactly("a", "b");
        assertThat(claim.take()).as("taken once").isEmpty();
    }

    @Test
    void shouldDropTheOldestWhenATaskFallsBehindAndEverythingWhenItLeaves() {
        EarlyResults early = new EarlyResults(2);
        EarlyResults.Claim claim = early.claim(0);
        List.of("a", "b", "c").forEach(k -> early.offer(0, raw(k)));

        assertThat(claim.take()).extracting(EarlyResults.Raw::key).containsExactly("b", "c");
        early.offer(0, raw("d"));
        claim.release();
        assertThat(early.offer(0, raw("e"))).as("released: no longer kept").isFalse();
    }

    @Test
    void shouldLeaveASuccessorsClaimAloneWhenTheTaskItReplacedClosesLate() {
        EarlyResults early = new EarlyResults(10);
        EarlyResults.Claim moved = early.claim(0);
        EarlyResults.Claim successor = early.claim(0);

        moved.release();

        assertThat(early.offer(0, raw("a"))).as("still claimed by the successor").isTrue();
        assertThat(successor.take()).extracting(EarlyResults.Raw::key).containsExactly("a");
        assertThat(moved.take()).isEmpty();
    }

    @Test
    void shouldNeverKeepAnythingWhenReadingAheadIsOff() {
        assertThat(EarlyResults.NONE.claim(0).take()).isEmpty();
        assertThat(EarlyResults.NONE.offer(0, raw("a"))).isFalse();
    }
}
