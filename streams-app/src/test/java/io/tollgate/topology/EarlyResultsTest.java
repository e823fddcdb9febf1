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
        early.claim(1);

        assertThat(early.offer(0, raw("elsewhere"))).isFalse();
        assertThat(early.offer(1, raw("a"))).isTrue();
        early.offer(1, raw("b"));

        assertThat(early.take(0)).isEmpty();
        assertThat(early.take(1)).extracting(EarlyResults.Raw::key).containsExactly("a", "b");
        assertThat(early.take(1)).as("taken once").isEmpty();
    }

    @Test
    void shouldDropTheOldestWhenATaskFallsBehindAndEverythingWhenItLeaves() {
        EarlyResults early = new EarlyResults(2);
        early.claim(0);
        List.of("a", "b", "c").forEach(k -> early.offer(0, raw(k)));

        assertThat(early.take(0)).extracting(EarlyResults.Raw::key).containsExactly("b", "c");
        early.offer(0, raw("d"));
        early.release(0);
        assertThat(early.wants(0)).isFalse();
        assertThat(early.take(0)).isEmpty();
    }

    @Test
    void shouldNeverKeepAnythingWhenReadingAheadIsOff() {
        EarlyResults.NONE.claim(0);

        assertThat(EarlyResults.NONE.wants(0)).isFalse();
        assertThat(EarlyResults.NONE.offer(0, raw("a"))).isFalse();
    }
}
