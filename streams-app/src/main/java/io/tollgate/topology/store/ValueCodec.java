package io.tollgate.topology.store;

import io.tollgate.avro.ApiRequest;
import io.tollgate.limiter.RuleCharge;
import io.tollgate.limiter.limit.GrowableBytes;
import io.tollgate.limiter.queue.AccountQueue;
import io.tollgate.schemas.serde.SingleObjectWriter;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.message.BinaryMessageDecoder;

/**
 * Versioned encodings of the limiter's own store values. Each starts with a format version byte;
 * requests inside use Avro single-object encoding, which carries the schema fingerprint, so a later
 * release can read requests stored under today's schema (by registering it with the decoder).
 */
public final class ValueCodec {

    static final byte VERSION_1 = 1;
    /** Adds the stale-return count to waiting calls, and slot, age and stale returns to calls in flight. */
    static final byte VERSION_2 = 2;
    /** Adds to calls in flight what they were charged. */
    static final byte VERSION_3 = 3;
    /** Adds to waiting calls and calls in flight the longest maximum wait granted to them. */
    static final byte VERSION_4 = 4;
    /** Adds to the charges of calls in flight the spending elsewhere already counted when they were charged. */
    static final byte VERSION_5 = 5;
    /** Adds to calls in flight the rule they waited for. */
    static final byte VERSION_6 = 6;
    static final byte CURRENT = VERSION_6;

    /** The bytes of {@code ApiRequest.getEncoder()}, which stored calls have always had, without Avro's generic writer. */
    private static final SingleObjectWriter<ApiRequest> REQUEST_ENCODER = new SingleObjectWriter<>(ApiRequest.getClassSchema());
    private static final BinaryMessageDecoder<ApiRequest> REQUEST_DECODER = ApiRequest.getDecoder();

    private ValueCodec() {
    }

    public static byte[] encodeWaiting(WaitingCall call) {
        return write(CURRENT, out -> {
            out.writeLong(call.seq());
            out.writeLong(call.waitingSinceMs());
            out.writeInt(call.attempt());
            out.writeLong(call.notBeforeMs());
            out.writeUTF(call.bindingRule() == null ? "" : call.bindingRule());
            byte[] request = REQUEST_ENCODER.write(call.request());
            out.writeInt(request.length);
            out.write(request);
            out.writeInt(call.staleReturns());
            out.writeLong(call.grantedWaitMs());
        });
    }

    public static WaitingCall decodeWaiting(byte[] bytes) {
        return read(bytes, (version, in) -> {
            long seq = in.readLong();
            long since = in.readLong();
            int attempt = in.readInt();
            long notBefore = in.readLong();
            String binding = in.readUTF();
            byte[] request = new byte[in.readInt()];
            in.readFully(request);
            int staleReturns = version >= VERSION_2 ? in.readInt() : 0;
            long granted = version >= VERSION_4 ? in.readLong() : 0;
            return new WaitingCall(REQUEST_DECODER.decode(request), seq, since, attempt, notBefore, binding, staleReturns, granted);
        });
    }

    public static byte[] encodeQueue(AccountQueue queue) {
        return write(VERSION_1, out -> {
            out.writeInt(queue.cursor());
            out.writeLong(queue.wakeAtMs());
            out.writeInt(queue.lanes().size());
            for (AccountQueue.Lane lane : queue.lanes()) {
                out.writeUTF(lane.id());
                out.writeInt(lane.size());
                out.writeLong(lane.blockedUntilMs());
                out.writeInt(lane.headPriority());
                out.writeLong(lane.headSeq());
            }
        });
    }

    public static AccountQueue decodeQueue(byte[] bytes) {
        return read(bytes, (version, in) -> {
            int cursor = in.readInt();
            long wakeAt = in.readLong();
            int n = in.readInt();
            List<AccountQueue.Lane> lanes = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                lanes.add(new AccountQueue.Lane(in.readUTF(), in.readInt(), in.readLong(), in.readInt(), in.readLong()));
            }
            return new AccountQueue(lanes, cursor, wakeAt);
        });
    }

    public static byte[] encodeInFlight(InFlightCall call) {
        return write(CURRENT, out -> {
            out.writeLong(call.seq());
            out.writeInt(call.attempt());
            out.writeLong(call.dispatchedAtMs());
            out.writeLong(call.plannedAtMs());
            out.writeLong(call.waitingSinceMs());
            out.writeInt(call.staleReturns());
            List<RuleCharge> charges = call.charges() == null ? List.of() : call.charges();
            out.writeInt(charges.size());
            for (RuleCharge c : charges) {
                out.writeUTF(c.ruleId());
                out.writeUTF(c.subject());
                out.writeLong(c.units());
                out.writeLong(c.limit());
                out.writeLong(c.remaining());
                out.writeLong(c.resetAtMs() == null ? Long.MIN_VALUE : c.resetAtMs());
                out.writeBoolean(c.shadow());
            }
            out.writeLong(call.grantedWaitMs());
            for (RuleCharge c : charges) {
                out.writeLong(c.untracked());
            }
            out.writeBoolean(call.waitedFor() != null);
            if (call.waitedFor() != null) {
                out.writeUTF(call.waitedFor());
            }
        });
    }

    public static InFlightCall decodeInFlight(byte[] bytes) {
        return read(bytes, (version, in) -> {
            long seq = in.readLong();
            int attempt = in.readInt();
            long dispatchedAt = in.readLong();
            if (version < VERSION_2) {
                // Written before slots were recorded: matched by attempt alone, aged from its dispatch.
                return new InFlightCall(seq, attempt, dispatchedAt, InFlightCall.UNKNOWN_SLOT, dispatchedAt, 0, null);
            }
            long planned = in.readLong();
            long since = in.readLong();
            int staleReturns = in.readInt();
            if (version < VERSION_3) {
                return new InFlightCall(seq, attempt, dispatchedAt, planned, since, staleReturns, null);
            }
            int n = in.readInt();
            List<RuleCharge> charges = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String rule = in.readUTF();
                String subject = in.readUTF();
                long units = in.readLong();
                long limit = in.readLong();
                long remaining = in.readLong();
                long reset = in.readLong();
                charges.add(new RuleCharge(rule, subject, units, limit, remaining, reset == Long.MIN_VALUE ? null : reset, in.readBoolean()));
            }
            long granted = version >= VERSION_4 ? in.readLong() : 0;
            String waitedFor = null;
            if (version >= VERSION_5) {
                for (int i = 0; i < n; i++) {
                    RuleCharge c = charges.get(i);
                    charges.set(i, new RuleCharge(c.ruleId(), c.subject(), c.units(), c.limit(), c.remaining(), c.resetAtMs(), c.shadow(),
                            in.readLong()));
                }
            }
            if (version >= VERSION_6) {
                waitedFor = in.readBoolean() ? in.readUTF() : null;
            }
            return new InFlightCall(seq, attempt, dispatchedAt, planned, since, staleReturns, charges, granted, waitedFor);
        });
    }

    private interface Writing {
        void to(DataOutputStream out) throws IOException;
    }

    private interface Reading<T> {
        T from(byte version, DataInputStream in) throws IOException;
    }

    private static byte[] write(byte version, Writing writing) {
        GrowableBytes bytes = new GrowableBytes(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(version);
            writing.to(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] bytes, Reading<T> reading) {
        if (bytes.length == 0 || bytes[0] < VERSION_1 || bytes[0] > CURRENT) {
            throw new IllegalStateException("store value format version " + (bytes.length == 0 ? "(empty)" : bytes[0])
                    + " is not one this release reads (" + VERSION_1 + " to " + CURRENT + ")");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 1, bytes.length - 1))) {
            return reading.from(bytes[0], in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
