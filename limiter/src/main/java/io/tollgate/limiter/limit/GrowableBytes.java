package io.tollgate.limiter.limit;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * A byte array that grows as it is written, for the codecs of stored state. {@link java.io.ByteArrayOutputStream}
 * locks its monitor on every write, and without biased locking (off by default since Java 15, removed in 18) each lock is an atomic
 * operation: writing a window log a byte at a time spent 6% of the stream thread in them. One codec call
 * owns one instance, so nothing here needs a lock.
 */
public final class GrowableBytes extends OutputStream {

    /** The largest array the JVM allocates everywhere. */
    private static final int MAX_SIZE = Integer.MAX_VALUE - 8;

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
        Objects.checkFromIndexSize(offset, length, bytes.length);
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
        long needed = (long) size + atLeast;
        if (needed > MAX_SIZE) {
            throw new IllegalStateException("a stored value of more than " + MAX_SIZE + " bytes cannot be written");
        }
        buffer = Arrays.copyOf(buffer, (int) Math.max(needed, Math.min((long) buffer.length * 2, MAX_SIZE)));
    }
}
