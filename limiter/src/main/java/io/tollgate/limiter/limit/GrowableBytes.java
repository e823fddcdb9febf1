package io.tollgate.limiter.limit;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A byte array that grows as it is written, for the codecs of stored state. {@link java.io.ByteArrayOutputStream}
 * locks its monitor on every write, and without biased locking (gone since Java 15) each lock is an atomic
 * operation: writing a window log a byte at a time spent 6% of the stream thread in them. One codec call
 * owns one instance, so nothing here needs a lock.
 */
public final class GrowableBytes extends OutputStream {

    private byte[] buffer;
    private int size;

    public GrowableBytes(int initialCapacity) {
        buffer = new byte[Math.max(16, initialCapacity)];
    }

    @Override
    public void write(int b) {
        if (size == buffer.length) {
            grow(1);
        }
        buffer[size++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        if (length > buffer.length - size) {
            grow(length);
        }
        System.arraycopy(bytes, offset, buffer, size, length);
        size += length;
    }

    /** The bytes written so far, as a new array. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    private void grow(int atLeast) {
        long wanted = Math.max((long) buffer.length * 2, (long) size + atLeast);
        if (wanted > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("a stored value of more than 2 GiB cannot be written");
        }
        buffer = Arrays.copyOf(buffer, (int) wanted);
    }
}
