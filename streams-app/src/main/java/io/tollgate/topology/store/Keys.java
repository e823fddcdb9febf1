package io.tollgate.topology.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Store keys as bytes that sort the way the stores are scanned: the account first (so one account's
 * data is contiguous), separators of 0x00 (identifiers hold no control characters; intake refuses
 * them), and numbers big-endian so that byte order is numeric order.
 */
public final class Keys {

    private static final byte SEPARATOR = 0;
    /** Joins integration and credential into a lane id. */
    public static final char LANE_SEPARATOR = '\u001f';

    private Keys() {
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code a 0 b 0 c ...} */
    public static Bytes joined(String... parts) {
        int size = parts.length - 1;
        byte[][] encoded = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            encoded[i] = utf8(parts[i]);
            size += encoded[i].length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        for (int i = 0; i < encoded.length; i++) {
            if (i > 0) {
                buffer.put(SEPARATOR);
            }
            buffer.put(encoded[i]);
        }
        return Bytes.wrap(buffer.array());
    }

    /** {@code a 0 b 0} : the prefix of every key that starts with these parts. */
    public static Bytes prefix(String... parts) {
        byte[] joined = joined(parts).get();
        byte[] prefix = new byte[joined.length + 1];
        System.arraycopy(joined, 0, prefix, 0, joined.length);
        prefix[joined.length] = SEPARATOR;
        return Bytes.wrap(prefix);
    }

    /** An 8-byte big-endian time followed by a suffix. Times are positive, so byte order is time order. */
    public static Bytes timed(long timeMs, byte[] suffix) {
        return Bytes.wrap(ByteBuffer.allocate(8 + suffix.length).putLong(Math.max(0, timeMs)).put(suffix).array());
    }

    public static long timeOf(Bytes timedKey) {
        return ByteBuffer.wrap(timedKey.get(), 0, 8).getLong();
    }

    public static byte[] suffixOf(Bytes timedKey) {
        byte[] key = timedKey.get();
        byte[] suffix = new byte[key.length - 8];
        System.arraycopy(key, 8, suffix, 0, suffix.length);
        return suffix;
    }

    /** The smallest key after {@code key}: a scan from it resumes right after {@code key}. */
    public static Bytes successor(Bytes key) {
        byte[] k = key.get();
        byte[] next = new byte[k.length + 1];
        System.arraycopy(k, 0, next, 0, k.length);
        return Bytes.wrap(next);
    }

    /** The smallest key after every key starting with {@code prefix}. */
    public static Bytes upperBound(Bytes prefix) {
        byte[] p = prefix.get();
        byte[] bound = new byte[p.length + 1];
        System.arraycopy(p, 0, bound, 0, p.length);
        bound[p.length] = (byte) 0xff;
        return Bytes.wrap(bound);
    }
}
