package io.tollgate.limiter.oracle;

import io.tollgate.limiter.oracle.MostInAnyInterval.Arrival;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The oracle checked against the definition: every interval that starts at an arrival, summed by brute force. */
class MostInAnyIntervalProperties {

    @Property
    void shouldEqualTheBruteForceMaximumOverEveryInterval(@ForAll("arrivals") List<Arrival> arrivals,
                                                          @ForAll @LongRange(min = 1, max = 5_000) long lengthMs) {
        long bruteForce = 0;
        for (Arrival start : arrivals) {
            long sum = arrivals.stream()
                    .filter(a -> a.atMs() >= start.atMs() && a.atMs() < start.atMs() + lengthMs)
                    .mapToLong(Arrival::units).sum();
            bruteForce = Math.max(bruteForce, sum);
        }
        assertThat(MostInAnyInterval.units(arrivals, lengthMs)).isEqualTo(bruteForce);
    }

    @Test
    void shouldTreatTheIntervalAsHalfOpen() {
        List<Arrival> twoApart = List.of(new Arrival(0, 1), new Arrival(1_000, 1));
        assertThat(MostInAnyInterval.units(twoApart, 1_000)).isEqualTo(1);
        assertThat(MostInAnyInterval.units(twoApart, 1_001)).isEqualTo(2);
        assertThat(MostInAnyInterval.calls(List.<Long>of(), t -> t, 1_000)).isZero();
    }

    @Test
    void shouldRefuseAnEmptyInterval() {
        assertThatThrownBy(() -> MostInAnyInterval.units(List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Provide
    Arbitrary<List<Arrival>> arrivals() {
        return Combinators.combine(Arbitraries.longs().between(0, 20_000), Arbitraries.longs().between(1, 5))
                .as(Arrival::new).list().ofMaxSize(60);
    }
}
