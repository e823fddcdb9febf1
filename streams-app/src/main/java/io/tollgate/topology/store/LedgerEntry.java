package io.tollgate.topology.store;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A value of the call ledger, which keeps per account and request id what idempotency and results need:
 * the call in flight while it awaits its result, then when the id was last used. One entry per request,
 * so a dispatch writes one key where an id memory and a table of calls in flight each wrote one.
 *
 * <p>Layout: a kind byte, the time the entry expires from (8 bytes, big-endian: the sweep reads it
 * without decoding the rest), then for a call in flight its {@link ValueCodec#encodeInFlight} bytes.
 */
public final class LedgerEntry {

    private static final byte SEEN = 'S';
    private static final byte IN_FLIGHT = 'F';
    private static final int HEADER = 1 + Long.BYTES;

    private LedgerEntry() {
    }

    /** An id used at {@code atMs}, with no call in flight. */
    public static byte[] seen(long atMs) {
        return ByteBuffer.allocate(HEADER).put(SEEN).putLong(atMs).array();
    }

    public static byte[] inFlight(InFlightCall call) {
        byte[] body = ValueCodec.encodeInFlight(call);
        return ByteBuffer.allocate(HEADER + body.length).put(IN_FLIGHT).putLong(call.dispatchedAtMs()).put(body).array();
    }

    /** When the entry was written for: the id's last use, or the call's dispatch. */
    public static long timeOf(byte[] entry) {
        check(entry);
        return ByteBuffer.wrap(entry, 1, Long.BYTES).getLong();
    }

    /** The call in flight the entry holds, or null when it holds none. */
    public static InFlightCall callOf(byte[] entry) {
        check(entry);
        return entry[0] == IN_FLIGHT ? ValueCodec.decodeInFlight(Arrays.copyOfRange(entry, HEADER, entry.length)) : null;
    }

    public static boolean isInFlight(byte[] entry) {
        check(entry);
        return entry[0] == IN_FLIGHT;
    }

    private static void check(byte[] entry) {
        if (entry.length < HEADER || (entry[0] != SEEN && entry[0] != IN_FLIGHT)) {
            throw new IllegalStateException("call ledger entry of " + entry.length + " bytes is not one this release reads");
        }
    }
}
