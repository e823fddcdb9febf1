package io.tollgate.limiter.limit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Versioned binary encoding of limit states, so that state written by one release is read by the
 * next. Layout: format version, type tag, payload (zig-zag varints; window logs delta-encoded, so a
 * burst window of 120 calls takes a few hundred bytes).
 *
 * <p>Version 2 adds to each window log entry the units still awaiting their result; version 1 logs
 * are read as fully confirmed. Version 3 adds the untracked units of a quota count (read as 0 from
 * older versions) and the credential record, which holds a vendor's pause and its own limits (a
 * version 1 or 2 pause is read as a credential record without limits). A version 3 window log may end with
 * the trace of units that stopped counting: a reader that stops after the entries (every release before the
 * trace) reads the same log without it, which is safe, since nothing is decided on the trace. A reader meeting a newer version fails loudly rather than dropping
 * counters: a silently reset counter would let calls through over the limit.
 */
public final class LimitStateCodec {

    public static final byte VERSION_1 = 1;
    public static final byte VERSION_2 = 2;
    public static final byte VERSION_3 = 3;
    public static final byte CURRENT = VERSION_3;

    private static final byte WINDOW_LOG = 1;
    private static final byte WINDOW_COUNT = 2;
    private static final byte BUCKET = 3;
    private static final byte QUOTA = 4;
    private static final byte LEASES = 5;
    private static final byte PAUSE = 6;
    private static final byte CREDENTIAL = 7;

    private LimitStateCodec() {
    }

    public static byte[] encode(LimitState state) {
        Writer w = new Writer();
        w.out.write(CURRENT);
        if (state instanceof WindowLog log) {
            w.out.write(WINDOW_LOG);
            w.varlong(log.size());
            long previous = 0;
            for (int i = 0; i < log.size(); i++) {
                w.varlong(log.timeAt(i) - previous);
                w.varlong(log.unitsAt(i));
                w.varlong(log.unconfirmedAt(i));
                previous = log.timeAt(i);
            }
            if (log.traceSize() > 0) {
                w.varlong(log.traceSize());
            }
            previous = 0;
            for (int i = 0; i < log.traceSize(); i++) {
                w.varlong(log.traceUpToAt(i) - previous);
                w.varlong(log.traceUnitsAt(i));
                previous = log.traceUpToAt(i);
            }
        } else if (state instanceof WindowCount c) {
            w.out.write(WINDOW_COUNT);
            w.varlong(c.windowStartMs());
            w.varlong(c.used());
            w.varlong(c.nextUsed());
        } else if (state instanceof BucketState b) {
            w.out.write(BUCKET);
            w.varlong(b.tatNanos());
        } else if (state instanceof QuotaCount q) {
            w.out.write(QUOTA);
            w.varlong(q.day());
            w.varlong(q.used());
            w.varlong(q.nextUsed());
            w.varlong(q.untracked());
        } else if (state instanceof Leases leases) {
            w.out.write(LEASES);
            w.varlong(leases.held().size());
            for (Leases.Lease lease : leases.held()) {
                w.string(lease.requestId());
                w.varlong(lease.expiresAtMs());
            }
        } else if (state instanceof CredentialState c) {
            w.out.write(CREDENTIAL);
            w.varlong(c.pausedUntilMs());
            w.string(c.pauseReason());
            w.varlong(c.vendorLimits().size());
            for (Map.Entry<String, Long> limit : new TreeMap<>(c.vendorLimits()).entrySet()) {
                w.string(limit.getKey());
                w.varlong(limit.getValue());
            }
            w.varlong(c.limitsSeenAtMs());
        } else {
            throw new IllegalArgumentException("no encoding for " + state);
        }
        return w.out.toByteArray();
    }

    public static LimitState decode(byte[] bytes) {
        if (bytes == null || bytes.length < 2) {
            throw new IllegalArgumentException("limit state of " + (bytes == null ? 0 : bytes.length) + " bytes is too short");
        }
        byte version = bytes[0];
        if (version < VERSION_1 || version > CURRENT) {
            throw new IllegalStateException("limit state format version " + version
                    + " is not one this release understands (up to " + CURRENT + "); refusing to reset counters");
        }
        Reader r = new Reader(bytes, 2);
        return switch (bytes[1]) {
            case WINDOW_LOG -> {
                long entries = r.varlong();
                if (entries < 0 || entries > bytes.length) {
                    throw new IllegalArgumentException("truncated limit state");
                }
                int n = (int) entries;
                long[] times = new long[n];
                long[] units = new long[n];
                long[] unconfirmed = new long[n];
                long previous = 0;
                for (int i = 0; i < n; i++) {
                    previous += r.varlong();
                    times[i] = previous;
                    units[i] = r.varlong();
                    unconfirmed[i] = version == VERSION_1 ? 0 : r.varlong();
                }
                WindowLog log = new WindowLog(times, units, unconfirmed);
                if (r.hasMore()) {
                    long traced = r.varlong();
                    if (traced < 0 || traced > bytes.length) {
                        throw new IllegalArgumentException("truncated limit state");
                    }
                    long[] upTo = new long[(int) traced];
                    long[] tracedUnits = new long[(int) traced];
                    previous = 0;
                    for (int i = 0; i < traced; i++) {
                        previous += r.varlong();
                        upTo[i] = previous;
                        tracedUnits[i] = r.varlong();
                    }
                    log = log.withTrace(upTo, tracedUnits);
                }
                yield log;
            }
            case WINDOW_COUNT -> new WindowCount(r.varlong(), r.varlong(), r.varlong());
            case BUCKET -> new BucketState(r.varlong());
            case QUOTA -> new QuotaCount(r.varlong(), r.varlong(), r.varlong(), version >= VERSION_3 ? r.varlong() : 0);
            case LEASES -> {
                long count = r.varlong();
                if (count < 0 || count > bytes.length) {
                    throw new IllegalArgumentException("truncated limit state");
                }
                int n = (int) count;
                List<Leases.Lease> held = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    held.add(new Leases.Lease(r.string(), r.varlong()));
                }
                yield new Leases(held);
            }
            case PAUSE -> CredentialState.paused(r.varlong(), r.string());
            case CREDENTIAL -> {
                long until = r.varlong();
                String reason = r.string();
                int n = (int) r.varlong();
                if (n < 0 || n > bytes.length) {
                    throw new IllegalArgumentException("truncated limit state");
                }
                Map<String, Long> limits = new TreeMap<>();
                for (int i = 0; i < n; i++) {
                    limits.put(r.string(), r.varlong());
                }
                yield new CredentialState(until, reason, limits, r.varlong());
            }
            default -> throw new IllegalStateException("unknown limit state type " + bytes[1]);
        };
    }

    private static final class Writer {
        final GrowableBytes out = new GrowableBytes(32);

        void varlong(long value) {
            long v = (value << 1) ^ (value >> 63);
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varlong(b.length);
            out.write(b, 0, b.length);
        }
    }

    private static final class Reader {
        final byte[] bytes;
        int pos;

        Reader(byte[] bytes, int pos) {
            this.bytes = bytes;
            this.pos = pos;
        }

        boolean hasMore() {
            return pos < bytes.length;
        }

        long varlong() {
            long v = 0;
            int shift = 0;
            while (true) {
                if (pos >= bytes.length || shift > 63) {
                    throw new IllegalArgumentException("truncated limit state");
                }
                byte b = bytes[pos++];
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
                shift += 7;
            }
            return (v >>> 1) ^ -(v & 1);
        }

        String string() {
            long length = varlong();
            if (length < 0 || length > bytes.length - pos) {
                throw new IllegalArgumentException("truncated limit state");
            }
            int n = (int) length;
            String s = new String(bytes, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }
    }
}
