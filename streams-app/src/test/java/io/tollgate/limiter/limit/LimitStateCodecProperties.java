package io.tollgate.limiter.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class LimitStateCodecProperties {

    @Provide
    Arbitrary<LimitState> states() {
        Arbitrary<Long> longs = Arbitraries.longs();
        Arbitrary<LimitState> log = Arbitraries.longs().between(0, 10_000).set().ofMaxSize(50)
                .map(set -> {
                    long[] times = set.stream().mapToLong(Long::longValue).sorted().map(t -> t + 1_700_000_000_000L).toArray();
                    long[] units = java.util.Arrays.stream(times).map(t -> 1 + (t % 7)).toArray();
                    return WindowLog.of(times, units);
                });
        Arbitrary<LimitState> count = Combinators.combine(longs, longs, longs).as(WindowCount::new);
        Arbitrary<LimitState> bucket = longs.map(BucketState::new);
        Arbitrary<LimitState> quota = Combinators.combine(longs, longs, longs).as(QuotaCount::new);
        Arbitrary<LimitState> leases = Combinators.combine(Arbitraries.strings().ofMaxLength(40), longs)
                .as(Leases.Lease::new).list().ofMaxSize(5).map(Leases::new);
        Arbitrary<LimitState> pause = Combinators.combine(longs, Arbitraries.strings().ofMaxLength(30)).as(PauseState::new);
        return Arbitraries.oneOf(log, count, bucket, quota, leases, pause);
    }

    @Property(tries = 500)
    void shouldDecodeWhatItEncodes(@ForAll("states") LimitState state) {
        byte[] bytes = LimitStateCodec.encode(state);

        assertThat(bytes[0]).isEqualTo(LimitStateCodec.VERSION_1);
        assertThat(LimitStateCodec.decode(bytes)).isEqualTo(state);
    }

    @Test
    void shouldReadVersionOneBytesWrittenByTheFirstRelease() {
        // Written by version 1 and kept as a fixture: a burst log of three entries, and a quota count.
        byte[] log = {1, 1, 6, -128, -96, -85, -2, -7, 98, 2, 20, 4, 2, 2};
        byte[] quota = {1, 4, -68, -64, 2, -48, 15, 0};

        assertThat(LimitStateCodec.decode(log)).isEqualTo(WindowLog.of(new long[] {1_700_000_000_000L, 1_700_000_000_010L, 1_700_000_000_011L}, new long[] {1, 2, 1}));
        assertThat(LimitStateCodec.decode(quota)).isEqualTo(new QuotaCount(20_510, 1000, 0));
        assertThat(LimitStateCodec.encode(new QuotaCount(20_510, 1000, 0))).containsExactly(quota);
    }

    @Test
    void shouldRefuseNewerFormatRatherThanResetCounters() {
        assertThatThrownBy(() -> LimitStateCodec.decode(new byte[] {2, 1, 0}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("version 2");
    }

    @Test
    void shouldKeepBurstWindowSmall() {
        long[] times = new long[120];
        long[] units = new long[120];
        for (int i = 0; i < 120; i++) {
            times[i] = 1_790_000_000_000L + i * 16L;
            units[i] = 1;
        }
        assertThat(LimitStateCodec.encode(WindowLog.of(times, units))).hasSizeLessThan(400);
    }
}
