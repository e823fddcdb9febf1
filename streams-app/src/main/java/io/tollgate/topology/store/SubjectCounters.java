package io.tollgate.topology.store;

import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.limit.LimitStateCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every counter of one subject of an account (a credential: its rules' states and its pause; a user, the
 * account itself, an integration) as one store value. A decision reads and writes each subject it counts
 * once, whatever the number of rules, and the store cache turns the writes of a busy subject within a
 * commit into one RocksDB write and one changelog record. A value per subject, not per account, keeps
 * what a decision reads bounded by the policy's rules, however many credentials or users an account has.
 *
 * <p>Counters stay encoded until the engine asks for one, and one it did not change is written back as
 * the bytes it was read as.
 */
public final class SubjectCounters {

    static final byte VERSION_1 = 1;

    private final Map<String, byte[]> encoded;
    private final Map<String, LimitState> decoded = new HashMap<>();
    private boolean changed;

    private SubjectCounters(Map<String, byte[]> encoded) {
        this.encoded = encoded;
    }

    public static SubjectCounters empty() {
        return new SubjectCounters(new LinkedHashMap<>());
    }

    /** The counter of {@code rule}, or null when there is none. */
    public LimitState get(String rule) {
        LimitState state = decoded.get(rule);
        if (state == null) {
            byte[] bytes = encoded.get(rule);
            if (bytes == null) {
                return null;
            }
            state = LimitStateCodec.decode(bytes);
            decoded.put(rule, state);
        }
        return state;
    }

    /** Writes the counter of {@code rule}; a null state deletes it. */
    public void put(String rule, LimitState state) {
        if (state == null) {
            changed |= encoded.remove(rule) != null;
            decoded.remove(rule);
        } else {
            encoded.put(rule, LimitStateCodec.encode(state));
            decoded.put(rule, state);
            changed = true;
        }
    }

    /** The counter of {@code rule} as stored, null when there is none. */
    byte[] raw(String rule) {
        return encoded.get(rule);
    }

    /** Puts a counter as stored (an earlier release's), to be decoded when asked for. */
    void putEncoded(String rule, byte[] state) {
        encoded.put(rule, state);
        decoded.remove(rule);
        changed = true;
    }

    /** The rules this subject has a counter of. */
    public List<String> keys() {
        return List.copyOf(encoded.keySet());
    }

    public boolean isEmpty() {
        return encoded.isEmpty();
    }

    /** Whether a counter was written or deleted since this was read. */
    public boolean changed() {
        return changed;
    }

    public byte[] encode() {
        List<byte[]> rules = new ArrayList<>(encoded.size());
        int size = 1 + Integer.BYTES;
        for (Map.Entry<String, byte[]> e : encoded.entrySet()) {
            byte[] rule = e.getKey().getBytes(StandardCharsets.UTF_8);
            rules.add(rule);
            size += 2 * Integer.BYTES + rule.length + e.getValue().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(VERSION_1).putInt(rules.size());
        int i = 0;
        for (byte[] state : encoded.values()) {
            byte[] rule = rules.get(i++);
            out.putInt(rule.length).put(rule).putInt(state.length).put(state);
        }
        return out.array();
    }

    /**
     * Reads what {@link #encode} wrote. The counters themselves are decoded when asked for, so one this
     * release cannot read fails the decision that needs it, not every decision of the account.
     */
    public static SubjectCounters decode(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != VERSION_1) {
            throw new IllegalStateException("subject counters format version " + (bytes.length == 0 ? "(empty)" : bytes[0])
                    + " is not one this release reads (" + VERSION_1 + ")");
        }
        if (bytes.length < 1 + Integer.BYTES) {
            throw new IllegalStateException("subject counters of " + bytes.length + " bytes are cut short");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        int n = in.getInt();
        if (n < 0 || n > bytes.length) {
            throw new IllegalStateException("subject counters hold " + n + " counters in " + bytes.length + " bytes");
        }
        Map<String, byte[]> encoded = new LinkedHashMap<>(Math.max(4, n * 2));
        for (int i = 0; i < n; i++) {
            encoded.put(new String(field(in), StandardCharsets.UTF_8), field(in));
        }
        return new SubjectCounters(encoded);
    }

    private static byte[] field(ByteBuffer in) {
        if (in.remaining() < Integer.BYTES) {
            throw new IllegalStateException("subject counters are cut short");
        }
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalStateException("subject counters: a field of " + length + " bytes with " + in.remaining() + " left");
        }
        byte[] field = new byte[length];
        in.get(field);
        return field;
    }
}
