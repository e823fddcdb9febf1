package io.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Results read ahead of the task's own consumer: applied at the next punctuation, once, and their own
 * records skipped when they come; anything the early path cannot use still comes through the consumer.
 */
class EarlyResultsTopologyTest {

    private static final String FORMS = """
            include: [forms-platform.yaml]
            accounts: [{id: acme, policy: forms-platform, timeZone: Australia/Sydney}]
            """;

    private final EarlyResults early = new EarlyResults(100);
    private TopologyFixture fx;

    @AfterEach
    void close() throws Exception {
        fx.close();
    }

    @Test
    void shouldApplyAResultReadAheadAtTheNextPunctuationAndSkipItsOwnRecordWhenItComes() throws Exception {
        fx = TopologyFixture.with().earlyResults(early).start();
        fx.seed(FORMS);
        IntStream.range(0, 5).forEach(i -> fx.send(TopologyFixture.request("c" + i).setApiVersion(null).setPath("/api/sources").build()));
        assertThat(fx.dispatchedIds()).containsExactly("c0", "c1", "c2");
        DispatchResult answered = TopologyFixture.resultOf(fx.dispatched().get(1), Outcome.SUCCESS, 200, Map.of());

        assertThat(early.offer(0, new EarlyResults.Raw("acme", fx.values.serialize(TopologyFixture.TOPICS.results(), answered)))).isTrue();
        fx.advance(TopologyFixture.PUNCTUATION_MS);

        assertThat(fx.dispatchedIds()).as("the freed permit went to the next call").containsExactly("c0", "c1", "c2", "c3");
        assertThat(fx.metrics.count("tollgate_results_read_ahead_total", "")).isEqualTo(1);

        fx.result(answered);
        fx.advance(TopologyFixture.PUNCTUATION_MS);

        assertThat(fx.dispatchedIds()).as("the permit was not freed twice").containsExactly("c0", "c1", "c2", "c3");
        assertThat(fx.metrics.count("tollgate_unmatched_results_total", "")).as("its own record was recognised").isZero();
        assertThat(fx.metrics.count("tollgate_results_total", "outcome=\"SUCCESS\"")).as("counted once").isEqualTo(1);
        assertThat(fx.rejected()).isEmpty();
    }

    @Test
    void shouldLeaveAResultItCannotReadToTheTasksOwnConsumer() throws Exception {
        fx = TopologyFixture.with().earlyResults(early).start();
        fx.seed(FORMS);
        IntStream.range(0, 4).forEach(i -> fx.send(TopologyFixture.request("c" + i).setApiVersion(null).setPath("/api/sources").build()));

        early.offer(0, new EarlyResults.Raw("acme", "not a result".getBytes(StandardCharsets.UTF_8)));
        early.offer(0, new EarlyResults.Raw(null, new byte[] {0, 0, 0, 0, 1, 2}));
        fx.advance(TopologyFixture.PUNCTUATION_MS);

        assertThat(fx.rejected()).as("only the consumer's copy is rejected, with its reason").isEmpty();
        assertThat(fx.metrics.count("tollgate_internal_errors_total", "")).isZero();
        fx.result(TopologyFixture.resultOf(fx.dispatched().get(0), Outcome.SUCCESS, 200, Map.of()));
        assertThat(fx.dispatchedIds()).as("the consumer's copy still frees the permit").containsExactly("c0", "c1", "c2", "c3");
    }
}
