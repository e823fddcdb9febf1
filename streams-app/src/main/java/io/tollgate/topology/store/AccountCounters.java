package io.tollgate.topology.store;

import io.tollgate.limiter.RuleKey;
import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.limit.LimitStateCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every counter of one account (its rules' states for each subject, and its credentials' pauses) as one
 * store value: a decision reads it once and writes it once, and the store cache turns the writes of a busy
 * account within a commit into one RocksDB write and one changelog record.
 *
 * <p>Counters stay encoded until the engine asks for one, and one it did not change is written back as
 * the bytes it was read as: an account with many credentials pays for the counters a call touches.
 */
public final class AccountCounters {

    static final byte VERSION_1 = 1;

    private final Map<RuleKey, byte[]> encoded;
    private final Map<RuleKey, LimitState> decoded = new HashMap<>();
    private boolean changed;

    private AccountCounters(Map<RuleKey, byte[]> encoded) {
        this.encoded = encoded;
    }

    public static AccountCounters empty() {
        return new AccountCounters(new LinkedHashMap<>());
    }

    /** The counter of {@code key}, or null when there is none. */
    public LimitState get(RuleKey key) {
        LimitState state = decoded.get(key);
        if (state == null) {
            byte[] bytes = encoded.get(key);
            if (bytes == null) {
                return null;
            }
            state = LimitStateCodec.decode(bytes);
            decoded.put(key, state);
        }
        return state;
    }

    /** Writes counters; a null state deletes the counter. */
    public void put(Map<RuleKey, LimitState> updates) {
        updates.forEach((key, state) -> {
            if (state == null) {
                changed |= encoded.remove(key) != null;
                decoded.remove(key);
            } else {
                encoded.put(key, LimitStateCodec.encode(state));
                decoded.put(key, state);
                changed = true;
            }
        });
    }

    public void remove(RuleKey key) {
        put(java.util.Collections.singletonMap(key, null));
    }

    public List<RuleKey> keys() {
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
        int size = 1 + Integer.BYTES;
        Map<RuleKey, byte[][]> parts = new LinkedHashMap<>();
        for (Map.Entry<RuleKey, byte[]> e : encoded.entrySet()) {
            byte[] rule = e.getKey().ruleId().getBytes(StandardCharsets.UTF_8);
            byte[] subject = e.getKey().subject().getBytes(StandardCharsets.UTF_8);
            parts.put(e.getKey(), new byte[][] {rule, subject, e.getValue()});
            size += 3 * Integer.BYTES + rule.length + subject.length + e.getValue().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(VERSION_1).putInt(parts.size());
        for (byte[][] p : parts.values()) {
            for (byte[] field : p) {
                out.putInt(field.length).put(field);
            }
        }
        return out.array();
    }

    /**
     * Reads what {@link #encode} wrote. The counters themselves are decoded when asked for, so one this
     * release cannot read fails the decision that needs it, not every decision of the account.
     */
    public static AccountCounters decode(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != VERSION_1) {
            throw new IllegalStateException("account counters format version " + (bytes.length == 0 ? "(empty)" : bytes[0])
                    + " is not one this release reads (" + VERSION_1 + ")");
        }
        if (bytes.length < 1 + Integer.BYTES) {
            throw new IllegalStateException("account counters of " + bytes.length + " bytes are cut short");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        int n = in.getInt();
        if (n < 0 || n > bytes.length) {
            throw new IllegalStateException("account counters hold " + n + " counters in " + bytes.length + " bytes");
        }
        Map<RuleKey, byte[]> encoded = new LinkedHashMap<>(Math.max(4, n * 2));
        for (int i = 0; i < n; i++) {
            String rule = new String(field(in), StandardCharsets.UTF_8);
            String subject = new String(field(in), StandardCharsets.UTF_8);
            encoded.put(new RuleKey(rule, subject), field(in));
        }
        return new AccountCounters(encoded);
    }

    private static byte[] field(ByteBuffer in) {
        if (in.remaining() < Integer.BYTES) {
            throw new IllegalStateException("account counters are cut short");
        }
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalStateException("account counters: a field of " + length + " bytes with " + in.remaining() + " left");
        }
        byte[] field = new byte[length];
        in.get(field);
        return field;
    }
}
