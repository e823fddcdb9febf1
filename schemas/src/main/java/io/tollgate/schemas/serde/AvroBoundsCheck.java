package io.tollgate.schemas.serde;

import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Walks Avro binary data along its writer schema before it is decoded, and refuses data whose lengths
 * and counts claim more than the bytes hold. Avro's decoder allocates what a length prefix claims before
 * it reads: a record of a few bytes that claims a string of a gigabyte would otherwise exhaust the heap.
 * The walk reads varints and skips bytes; it allocates nothing.
 */
final class AvroBoundsCheck {

    /** Items of a schema that encodes in zero bytes (null, an empty record): a count cannot be checked against the bytes. */
    static final long MAX_EMPTY_ITEMS = 100_000;
    private static final int MAX_DEPTH = 64;

    private final byte[] data;
    private final int end;
    private int pos;
    private final Map<Schema, Integer> minSizes = new IdentityHashMap<>();

    private AvroBoundsCheck(byte[] data, int offset, int length) {
        this.data = data;
        this.pos = offset;
        this.end = offset + length;
    }

    /** Throws {@link WireFormatException} (UNDECODABLE) unless {@code data[offset, offset+length)} holds exactly one datum of {@code schema}. */
    static void check(Schema schema, byte[] data, int offset, int length) {
        AvroBoundsCheck walk = new AvroBoundsCheck(data, offset, length);
        walk.datum(schema, 0);
        if (walk.pos != walk.end) {
            throw undecodable("trailing bytes after the record");
        }
    }

    private void datum(Schema schema, int depth) {
        if (depth > MAX_DEPTH) {
            throw undecodable("nested deeper than " + MAX_DEPTH);
        }
        switch (schema.getType()) {
            case NULL -> { }
            case BOOLEAN -> skip(1);
            case INT, LONG, ENUM -> varint();
            case FLOAT -> skip(4);
            case DOUBLE -> skip(8);
            case FIXED -> skip(schema.getFixedSize());
            case STRING, BYTES -> skip(length(varint()));
            case RECORD -> schema.getFields().forEach(f -> datum(f.schema(), depth + 1));
            case UNION -> {
                long branch = varint();
                if (branch < 0 || branch >= schema.getTypes().size()) {
                    throw undecodable("union branch " + branch + " out of range");
                }
                datum(schema.getTypes().get((int) branch), depth + 1);
            }
            case ARRAY -> blocks(schema.getElementType(), null, depth);
            case MAP -> blocks(schema.getValueType(), Schema.create(Schema.Type.STRING), depth);
            default -> throw undecodable("unsupported type " + schema.getType());
        }
    }

    /** Array and map blocks: a count, a byte size when the count is negative, then the items; a count of 0 ends them. */
    private void blocks(Schema item, Schema key, int depth) {
        while (true) {
            long count = varint();
            if (count == 0) {
                return;
            }
            if (count < 0) {
                count = -count;
                length(varint());
            }
            int itemSize = minSize(item, 0) + (key == null ? 0 : 1);
            if (itemSize == 0 ? count > MAX_EMPTY_ITEMS : count > (long) (end - pos) / itemSize) {
                throw undecodable("a block claims " + count + " items, more than the bytes left can hold");
            }
            for (long i = 0; i < count; i++) {
                if (key != null) {
                    datum(key, depth + 1);
                }
                datum(item, depth + 1);
            }
        }
    }

    /** The fewest bytes a datum of {@code schema} can take. */
    private int minSize(Schema schema, int depth) {
        Integer known = minSizes.get(schema);
        if (known != null) {
            return known;
        }
        int size = switch (schema.getType()) {
            case NULL -> 0;
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> schema.getFixedSize();
            case RECORD -> depth > MAX_DEPTH ? 0 : schema.getFields().stream().mapToInt(f -> minSize(f.schema(), depth + 1)).sum();
            default -> 1;
        };
        minSizes.put(schema, size);
        return size;
    }

    private int length(long claimed) {
        if (claimed < 0 || claimed > end - pos) {
            throw undecodable("a length of " + claimed + " is more than the " + (end - pos) + " bytes left");
        }
        return (int) claimed;
    }

    private void skip(int n) {
        if (n > end - pos) {
            throw undecodable("the record ends early");
        }
        pos += n;
    }

    /** A zig-zag varint of at most 10 bytes. */
    private long varint() {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= end) {
                throw undecodable("the record ends inside a number");
            }
            int b = data[pos++] & 0xff;
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw undecodable("a number longer than 10 bytes");
    }

    private static WireFormatException undecodable(String why) {
        return new WireFormatException(WireFormatException.Kind.UNDECODABLE, "Avro payload does not match its writer schema: " + why, null);
    }
}
