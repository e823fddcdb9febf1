package io.tollgate.schemas.serde;

import java.nio.ByteBuffer;

/**
 * The Confluent Schema Registry wire format: magic byte 0, a 4-byte big-endian schema id, then the
 * Avro binary encoding of the record.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    public static boolean isFramed(byte[] bytes) {
        return bytes != null && bytes.length >= HEADER_SIZE && bytes[0] == MAGIC_BYTE;
    }

    /** The schema id in the frame header. */
    public static int schemaId(byte[] bytes) {
        if (!isFramed(bytes)) {
            throw new WireFormatException(WireFormatException.Kind.NOT_FRAMED,
                    bytes == null || bytes.length < HEADER_SIZE
                            ? "Record of " + (bytes == null ? 0 : bytes.length) + " bytes is too short for the Confluent wire format (5-byte header)"
                            : String.format("Unknown magic byte 0x%02x: not the Confluent wire format", bytes[0]),
                    null);
        }
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }

    static byte[] header(int schemaId) {
        return ByteBuffer.allocate(HEADER_SIZE).put(MAGIC_BYTE).putInt(schemaId).array();
    }
}
