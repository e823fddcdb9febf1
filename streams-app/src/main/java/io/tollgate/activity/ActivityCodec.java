package io.tollgate.activity;

import io.tollgate.limiter.limit.GrowableBytes;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The stored form of {@link AccountActivity} and {@link CallRecord}: a version byte, then the fields. */
public final class ActivityCodec {

    static final byte VERSION_1 = 1;

    private ActivityCodec() {
    }

    public static byte[] encode(AccountActivity a) {
        return write(out -> {
            out.writeLong(a.day());
            out.writeUTF(a.zone());
            tally(out, a.today());
            out.writeLong(a.lastCallAtMs());
            out.writeLong(a.recorded());
            out.writeInt(a.by().size());
            for (Map.Entry<Dimension, Map<String, Tally>> d : a.by().entrySet()) {
                out.writeByte(d.getKey().ordinal());
                out.writeInt(d.getValue().size());
                for (Map.Entry<String, Tally> e : d.getValue().entrySet()) {
                    out.writeUTF(e.getKey());
                    tally(out, e.getValue());
                }
            }
            for (long hour : a.callsByHour()) {
                out.writeLong(hour);
            }
            out.writeInt(a.outcomes().size());
            for (Map.Entry<String, Long> e : a.outcomes().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
        });
    }

    public static AccountActivity decodeActivity(byte[] bytes) {
        return read(bytes, in -> {
            long day = in.readLong();
            String zone = in.readUTF();
            Tally today = tally(in);
            long last = in.readLong();
            long recorded = in.readLong();
            int dimensions = bounded(in.readInt(), Dimension.values().length);
            Map<Dimension, Map<String, Tally>> by = new EnumMap<>(Dimension.class);
            for (int i = 0; i < dimensions; i++) {
                Dimension d = Dimension.values()[in.readByte()];
                int n = bounded(in.readInt(), AccountActivity.MAX_KEYS + 1);
                Map<String, Tally> counts = new LinkedHashMap<>();
                for (int j = 0; j < n; j++) {
                    counts.put(in.readUTF(), tally(in));
                }
                by.put(d, counts);
            }
            List<Long> hours = new ArrayList<>(AccountActivity.HOURS);
            for (int i = 0; i < AccountActivity.HOURS; i++) {
                hours.add(in.readLong());
            }
            int n = bounded(in.readInt(), 1000);
            Map<String, Long> outcomes = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                outcomes.put(in.readUTF(), in.readLong());
            }
            return new AccountActivity(day, zone, today, last, recorded, by, hours, outcomes);
        });
    }

    public static byte[] encode(CallRecord c) {
        return write(out -> {
            out.writeLong(c.atMs());
            out.writeUTF(c.requestId());
            nullable(out, c.integration());
            nullable(out, c.user());
            out.writeUTF(c.method());
            out.writeUTF(c.entity());
            nullable(out, c.apiVersion());
            out.writeLong(c.cost());
            out.writeUTF(c.outcome());
            out.writeInt(c.status() == null ? -1 : c.status());
            out.writeLong(c.latencyMs() == null ? -1 : c.latencyMs());
            nullable(out, c.waitedFor());
            nullable(out, c.detail());
        });
    }

    public static CallRecord decodeCall(byte[] bytes) {
        return read(bytes, in -> {
            long at = in.readLong();
            String id = in.readUTF();
            String integration = nullable(in);
            String user = nullable(in);
            String method = in.readUTF();
            String entity = in.readUTF();
            String version = nullable(in);
            long cost = in.readLong();
            String outcome = in.readUTF();
            int status = in.readInt();
            long latency = in.readLong();
            return new CallRecord(at, id, integration, user, method, entity, version, cost, outcome, status < 0 ? null : status,
                    latency < 0 ? null : latency, nullable(in), nullable(in));
        });
    }

    private static int bounded(int n, int max) throws IOException {
        if (n < 0 || n > max) {
            throw new IOException("a count of " + n + " is out of range");
        }
        return n;
    }

    private static void tally(DataOutputStream out, Tally t) throws IOException {
        out.writeLong(t.calls());
        out.writeLong(t.units());
    }

    private static Tally tally(DataInputStream in) throws IOException {
        return new Tally(in.readLong(), in.readLong());
    }

    private static void nullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String nullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private interface Writing {
        void to(DataOutputStream out) throws IOException;
    }

    private interface Reading<T> {
        T from(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writing writing) {
        try {
            GrowableBytes bytes = new GrowableBytes(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION_1);
            writing.to(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(byte[] bytes, Reading<T> reading) {
        if (bytes == null || bytes.length == 0 || bytes[0] != VERSION_1) {
            throw new IllegalArgumentException("activity record of version " + (bytes == null || bytes.length == 0 ? "none" : bytes[0])
                    + " is not one this release reads (" + VERSION_1 + ")");
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 1, bytes.length - 1));
            return reading.from(in);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("activity record cannot be read: " + e.getMessage(), e);
        }
    }
}
