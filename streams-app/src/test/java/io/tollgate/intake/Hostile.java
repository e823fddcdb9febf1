package io.tollgate.intake;

import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Values an attacker, a buggy client or a bit flip would send: the generators of the boundary properties. */
public final class Hostile {

    private Hostile() {
    }

    /** Strings: plausible ones, empty and blank, huge, unicode of every plane, control characters, separators. */
    public static Arbitrary<String> strings() {
        return Arbitraries.oneOf(
                Arbitraries.of("acme", "cred-1", "crm", "GET", "/v1/deals/1", "v2", "webhook", "", " ", "\u0000", "a\u0000b",
                        "\u001f", "\r\n", "/", "//", "/..", "/./x", "/%2F", "/%zz", "#", "?api_token=x", "\ud800", "\udfff\ud800",
                        "😀", "ǅ", "ß", "\u202e", "null", "NaN", "-1", "9999999999999999999999"),
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().all().ofMaxLength(20),
                Arbitraries.strings().withCharRange('\u0000', '\u007f').ofMinLength(200).ofMaxLength(400),
                Arbitraries.strings().withChars('a').ofMinLength(5000).ofMaxLength(9000));
    }

    /** Longs at and around every edge: zero, ±1, int and long limits, and milliseconds of far-off times. */
    public static Arbitrary<Long> longs() {
        return Arbitraries.oneOf(
                Arbitraries.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1,
                        (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE, 253_402_300_799_999L, 253_402_300_800_000L,
                        1_790_000_000_000L, -62_135_596_800_000L),
                Arbitraries.longs());
    }

    public static Arbitrary<Integer> ints() {
        return Arbitraries.oneOf(Arbitraries.of(0, 1, -1, 1000, 1001, -1001, Integer.MAX_VALUE, Integer.MIN_VALUE), Arbitraries.integers());
    }

    /** Instants anywhere an Avro timestamp can put them (any long of milliseconds). */
    public static Arbitrary<Instant> instants() {
        return longs().map(Instant::ofEpochMilli);
    }

    public static Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    }
}
