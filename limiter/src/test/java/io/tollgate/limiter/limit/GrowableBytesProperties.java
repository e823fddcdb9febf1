package io.tollgate.limiter.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class GrowableBytesProperties {

    /** Single bytes and slices of arrays, in any order and of any size: the same bytes as the JDK's own buffer. */
    @Property(tries = 300)
    void shouldHoldWhatAByteArrayOutputStreamHolds(@ForAll("writes") List<byte[]> writes, @ForAll("capacities") int capacity) {
        GrowableBytes ours = new GrowableBytes(capacity);
        ByteArrayOutputStream theirs = new ByteArrayOutputStream();
        for (byte[] write : writes) {
            if (write.length == 1) {
                ours.write(write[0]);
                theirs.write(write[0]);
            } else {
                int offset = write.length / 3;
                ours.write(write, offset, write.length - offset);
                theirs.write(write, offset, write.length - offset);
            }
        }
        assertThat(ours.toByteArray()).isEqualTo(theirs.toByteArray());
    }

    @Provide
    Arbitrary<List<byte[]>> writes() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(5_000).list().ofMaxSize(40);
    }

    @Provide
    Arbitrary<Integer> capacities() {
        return Arbitraries.integers().between(-5, 300);
    }
}
