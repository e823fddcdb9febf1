package io.tollgate.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.UnresolvedUnionException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writes the datums of one schema through a tree of small writers built once from the schema, as Avro's
 * {@code FastReaderBuilder} reads them. The bytes are those of Avro's {@code SpecificDatumWriter}
 * ({@code CompiledWriterProperties} compares them for every schema Tollgate writes).
 *
 * <p>Why not Avro's writer: it walks the schema for every datum in one large recursive method, and the JIT
 * compiles that method again each time a new record type reaches it. In the first seconds of a burst on a cold
 * JVM, four compilations of it took 3.7 s of a compiler thread on a two-core machine, while the limiter was
 * reading the burst in (docs/PERFORMANCE.md). Small writers compile small, once.
 */
public final class CompiledWriter implements DatumWriter<Object> {

    /** Writes one datum of one schema. */
    private interface Node {
        void write(Object datum, Encoder out) throws IOException;
    }

    private final GenericData model;
    private final Node root;

    CompiledWriter(Schema schema, GenericData model) {
        this.model = model;
        this.root = compile(schema, new HashMap<>());
    }

    /** A writer of {@code schema}'s datums: its generated class's if there is one, else generic records. */
    public static CompiledWriter of(Schema schema) {
        Class<?> generated = SpecificData.get().getClass(schema);
        return new CompiledWriter(schema, generated != null && SpecificRecord.class.isAssignableFrom(generated)
                ? AvroModel.INSTANCE : GenericData.get());
    }

    @Override
    public void setSchema(Schema schema) {
        throw new UnsupportedOperationException("a compiled writer writes the schema it was built for");
    }

    @Override
    public void write(Object datum, Encoder out) throws IOException {
        root.write(datum, out);
    }

    private Node compile(Schema schema, Map<Schema, Node[]> records) {
        LogicalType logicalType = schema.getLogicalType();
        Node raw = compileRaw(schema, records);
        return logicalType == null ? raw : converting(schema, logicalType, raw);
    }

    /** A logical type's value (an {@code Instant}, say) is converted to its raw type first, by the datum's class, as Avro does. */
    private Node converting(Schema schema, LogicalType logicalType, Node raw) {
        return new Node() {
            /** The conversion of the last datum's class; one immutable pair, as writers are shared across threads. */
            private volatile ByClass last = new ByClass(Void.class, null);

            @Override
            public void write(Object datum, Encoder out) throws IOException {
                if (datum == null) {
                    raw.write(null, out);
                    return;
                }
                ByClass known = last;
                if (datum.getClass() != known.type()) {
                    known = new ByClass(datum.getClass(), model.getConversionByClass(datum.getClass(), logicalType));
                    last = known;
                }
                raw.write(known.conversion() == null ? datum : convert(datum, schema, logicalType, known.conversion()), out);
            }
        };
    }

    private record ByClass(Class<?> type, Conversion<?> conversion) {
    }

    @SuppressWarnings("unchecked")
    private static <T> Object convert(Object datum, Schema schema, LogicalType logicalType, Conversion<T> conversion) {
        return Conversions.convertToRawType((T) datum, schema, logicalType, conversion);
    }

    private Node compileRaw(Schema schema, Map<Schema, Node[]> records) {
        return switch (schema.getType()) {
            case RECORD -> record(schema, records);
            case ENUM -> (datum, out) -> out.writeEnum(datum instanceof Enum<?> e ? e.ordinal() : ordinal(schema, datum));
            case ARRAY -> array(compile(schema.getElementType(), records));
            case MAP -> map(compile(schema.getValueType(), records));
            case UNION -> union(schema, records);
            case FIXED -> (datum, out) -> out.writeFixed(((GenericFixed) datum).bytes(), 0, schema.getFixedSize());
            case STRING -> (datum, out) -> out.writeString((CharSequence) datum);
            case BYTES -> (datum, out) -> out.writeBytes((ByteBuffer) datum);
            case INT -> (datum, out) -> out.writeInt(((Number) datum).intValue());
            case LONG -> (datum, out) -> out.writeLong(((Number) datum).longValue());
            case FLOAT -> (datum, out) -> out.writeFloat(((Number) datum).floatValue());
            case DOUBLE -> (datum, out) -> out.writeDouble(((Number) datum).doubleValue());
            case BOOLEAN -> (datum, out) -> out.writeBoolean((Boolean) datum);
            case NULL -> (datum, out) -> out.writeNull();
        };
    }

    private static int ordinal(Schema schema, Object datum) {
        if (!schema.hasEnumSymbol(String.valueOf(datum))) {
            throw new AvroTypeException("Not an enum symbol of " + schema.getFullName() + ": " + datum);
        }
        return schema.getEnumOrdinal(datum.toString());
    }

    private Node record(Schema schema, Map<Schema, Node[]> records) {
        // A record that contains itself is written through the holder filled once its fields are compiled.
        Node[] holder = records.get(schema);
        if (holder != null) {
            return (datum, out) -> holder[0].write(datum, out);
        }
        Node[] self = new Node[1];
        records.put(schema, self);
        List<Schema.Field> fields = schema.getFields();
        int[] positions = new int[fields.size()];
        String[] names = new String[fields.size()];
        Node[] writers = new Node[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            positions[i] = fields.get(i).pos();
            names[i] = fields.get(i).name();
            writers[i] = compile(fields.get(i).schema(), records);
        }
        String recordName = schema.getFullName();
        self[0] = (datum, out) -> {
            IndexedRecord record = (IndexedRecord) datum;
            for (int i = 0; i < writers.length; i++) {
                try {
                    writers[i].write(record.get(positions[i]), out);
                } catch (NullPointerException | ClassCastException | AvroRuntimeException e) {
                    throw new AvroTypeException("Field " + names[i] + " of " + recordName + " cannot be written: " + e.getMessage(), e);
                }
            }
        };
        return self[0];
    }

    /** The class a union's primitive branch takes; null for other branches (their writers' casts check them) and logical types. */
    private static Class<?> primitiveClassOf(Schema branch) {
        if (branch.getLogicalType() != null) {
            return null;
        }
        return switch (branch.getType()) {
            case INT -> Integer.class;
            case LONG -> Long.class;
            case FLOAT -> Float.class;
            case DOUBLE -> Double.class;
            case BOOLEAN -> Boolean.class;
            case STRING -> CharSequence.class;
            case BYTES -> ByteBuffer.class;
            default -> null;
        };
    }

    private static Node array(Node element) {
        return (datum, out) -> {
            Collection<?> items = (Collection<?>) datum;
            int size = items.size();
            int written = 0;
            out.writeArrayStart();
            out.setItemCount(size);
            for (Object item : items) {
                out.startItem();
                element.write(item, out);
                written++;
            }
            out.writeArrayEnd();
            if (written != size) {
                throw new ConcurrentModificationException("the array changed while it was written");
            }
        };
    }

    private static Node map(Node value) {
        return (datum, out) -> {
            Map<?, ?> entries = (Map<?, ?>) datum;
            int size = entries.size();
            int written = 0;
            out.writeMapStart();
            out.setItemCount(size);
            for (Map.Entry<?, ?> entry : entries.entrySet()) {
                out.startItem();
                out.writeString(entry.getKey().toString());
                value.write(entry.getValue(), out);
                written++;
            }
            out.writeMapEnd();
            if (written != size) {
                throw new ConcurrentModificationException("the map changed while it was written");
            }
        };
    }

    private Node union(Schema schema, Map<Schema, Node[]> records) {
        List<Schema> branches = schema.getTypes();
        List<Node> writers = new ArrayList<>(branches.size());
        for (Schema branch : branches) {
            writers.add(compile(branch, records));
        }
        Integer nullIndex = schema.getIndexNamed(Schema.Type.NULL.getName());
        if (branches.size() == 2 && nullIndex != null) {
            // The optional field, Tollgate's only kind of union: null or one type, no search.
            int valueIndex = 1 - nullIndex;
            Node value = writers.get(valueIndex);
            Class<?> primitive = primitiveClassOf(branches.get(valueIndex));
            return (datum, out) -> {
                if (datum == null) {
                    out.writeIndex(nullIndex);
                    out.writeNull();
                } else if (primitive != null && !primitive.isInstance(datum)) {
                    // As Avro's writer: a union takes a value of one of its types, never a Long for an int.
                    throw new UnresolvedUnionException(schema, datum);
                } else {
                    out.writeIndex(valueIndex);
                    value.write(datum, out);
                }
            };
        }
        return (datum, out) -> {
            int index = model.resolveUnion(schema, datum);
            out.writeIndex(index);
            writers.get(index).write(datum, out);
        };
    }
}
