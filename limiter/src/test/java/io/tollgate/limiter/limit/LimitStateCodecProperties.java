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
        Arbitrary<LimitState> log = Combinators.combine(Arbitraries.longs().between(0, 10_000).set().ofMaxSize(50),
                        Arbitraries.longs().between(0, 10_000).set().ofMaxSize(25))
                .as((set, traced) -> {
                    long[] times = set.stream().mapToLong(Long::longValue).sorted().map(t -> t + 1_700_000_000_000L).toArray();
                    long[] units = java.util.Arrays.stream(times).map(t -> 1 + (t % 7)).toArray();
                    long[] awaiting = java.util.Arrays.stream(times).map(t -> t % 3 == 0 ? 1 + (t % 7) : t % 2).toArray();
                    long[] upTo = traced.stream().mapToLong(Long::longValue).sorted().map(t -> t + 1_699_999_990_000L).toArray();
                    return WindowLog.of(times, units, awaiting).withTrace(upTo, java.util.Arrays.stream(upTo).map(t -> 1 + (t % 11)).toArray());
                });
        Arbitrary<LimitState> count = Combinators.combine(longs, longs, longs).as(WindowCount::new);
        Arbitrary<LimitState> bucket = longs.map(BucketState::new);
        Arbitrary<LimitState> quota = Combinators.combine(longs, longs, longs, longs).as(QuotaCount::new);
        Arbitrary<LimitState> credential = Combinators.combine(longs, Arbitraries.strings().ofMaxLength(30),
                Arbitraries.maps(Arbitraries.strings().ofMaxLength(20), longs).ofMaxSize(4), longs).as(CredentialState::new);
        Arbitrary<LimitState> leases = Combinators.combine(Arbitraries.strings().ofMaxLength(40), longs)
                .as(Leases.Lease::new).list().ofMaxSize(5).map(Leases::new);
        return Arbitraries.oneOf(log, count, bucket, quota, leases, credential);
    }

    @Property(tries = 500)
    void shouldDecodeWhatItEncodes(@ForAll("states") LimitState state) {
        byte[] bytes = LimitStateCodec.encode(state);

        assertThat(bytes[0]).isEqualTo(LimitStateCodec.CURRENT);
        assertThat(LimitStateCodec.decode(bytes)).isEqualTo(state);
    }

    /** Stored bytes a disk or a bug has mangled: a clear error, never an allocation the size of a random number. */
    @Property(tries = 2000)
    void shouldRefuseMangledBytesWithAClearError(@ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 3) int version,
                                                 @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 7) int type,
                                                 @ForAll @net.jqwik.api.constraints.Size(max = 40) byte[] rest) {
        byte[] bytes = new byte[rest.length + 2];
        bytes[0] = (byte) version;
        bytes[1] = (byte) type;
        System.arraycopy(rest, 0, bytes, 2, rest.length);
        try {
            LimitStateCodec.decode(bytes);
        } catch (IllegalArgumentException | IllegalStateException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Test
    void shouldReadVersionOneBytesWrittenByTheFirstRelease() {
        // Written by version 1 and kept as a fixture: a burst log of three entries, and a quota count.
        byte[] log = {1, 1, 6, -128, -96, -85, -2, -7, 98, 2, 20, 4, 2, 2};
        byte[] quota = {1, 4, -68, -64, 2, -48, 15, 0};

        assertThat(LimitStateCodec.decode(log)).isEqualTo(WindowLog.of(new long[] {1_700_000_000_000L, 1_700_000_000_010L, 1_700_000_000_011L}, new long[] {1, 2, 1}));
        assertThat(LimitStateCodec.decode(quota)).isEqualTo(new QuotaCount(20_510, 1000, 0));
        assertThat(LimitStateCodec.decode(LimitStateCodec.encode(new QuotaCount(20_510, 1000, 0)))).isEqualTo(new QuotaCount(20_510, 1000, 0));
    }

    @Test
    void shouldReadVersionOneWindowLogsAsConfirmedAndWriteTheCurrentVersion() {
        byte[] v1 = {1, 1, 6, -128, -96, -85, -2, -7, 98, 2, 20, 4, 2, 2};
        WindowLog log = (WindowLog) LimitStateCodec.decode(v1);

        assertThat(log.unconfirmedAt(0) + log.unconfirmedAt(1) + log.unconfirmedAt(2)).isZero();
        assertThat(LimitStateCodec.encode(log)[0]).isEqualTo(LimitStateCodec.CURRENT);
    }

    /**
     * A window log's trace comes after its entries, so a release that reads no trace (every one before it) reads the
     * same log without it: rolling back loses the trace, which nothing is decided on, not the counters.
     */
    @Property(tries = 200)
    void shouldWriteTheTraceWhereAReaderOfTheReleaseBeforeStops(@ForAll("states") LimitState state) {
        net.jqwik.api.Assume.that(state instanceof WindowLog log && log.traceSize() > 0);
        WindowLog log = (WindowLog) state;
        byte[] withoutTrace = LimitStateCodec.encode(log.withTrace(new long[0], new long[0]));

        assertThat(LimitStateCodec.encode(log)).startsWith(withoutTrace);
    }

    @Test
    void shouldReadVersionTwoQuotaCountsWithNothingUntracked() {
        // Written by version 2: a quota count of day 20,510 with 1,000 used and 0 for the next day.
        byte[] v2 = {2, 4, -68, -64, 2, -48, 15, 0};

        assertThat(LimitStateCodec.decode(v2)).isEqualTo(new QuotaCount(20_510, 1000, 0, 0));
    }

    @Test
    void shouldReadAVersionTwoPauseAsACredentialWithoutVendorLimits() {
        // Written by version 2: a pause until 1,000 ms with the reason "429".
        byte[] v2 = {2, 6, -48, 15, 6, '4', '2', '9'};

        assertThat(LimitStateCodec.decode(v2)).isEqualTo(CredentialState.paused(1000, "429"));
    }

    @Test
    void shouldReadVersionThreeWindowLogsWithNoTrace() {
        // Written by version 3: the burst log of the version 1 fixture, every unit confirmed.
        byte[] v3 = {3, 1, 6, -128, -96, -85, -2, -7, 98, 2, 0, 20, 4, 0, 2, 2, 0};

        WindowLog log = (WindowLog) LimitStateCodec.decode(v3);
        assertThat(log).isEqualTo(WindowLog.of(new long[] {1_700_000_000_000L, 1_700_000_000_010L, 1_700_000_000_011L}, new long[] {1, 2, 1}));
        assertThat(log.traceSize()).isZero();
    }

    @Test
    void shouldRefuseNewerFormatRatherThanResetCounters() {
        assertThatThrownBy(() -> LimitStateCodec.decode(new byte[] {4, 1, 0}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("version 4");
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
