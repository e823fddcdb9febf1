package io.tollgate.schemas.serde;

import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-framed Avro. The writer schema comes from the registry by id; the reader schema is
 * the generated class's when one is given or found on the classpath, so records written with an
 * older or newer compatible schema resolve to the class this code knows. Failures are
 * {@link WireFormatException}s that say what was wrong.
 */
public class AvroDeserializer<T> implements Deserializer<T> {

    private SchemaRegistryClient registry;
    private Schema readerSchema;
    private boolean specific = true;
    private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> writers = new ConcurrentHashMap<>();

    /** For reflective construction; {@link #configure} must follow. */
    public AvroDeserializer() {
    }

    /** Reads records of {@code type}, whatever compatible schema they were written with. */
    public AvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
        this.registry = registry;
        this.readerSchema = type == null ? null : SpecificData.get().getSchema(type);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            registry = AvroSerdeConfig.client(configs);
        }
        specific = AvroSerdeConfig.flag(configs, AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        int id = WireFormat.schemaId(bytes);
        DatumReader<Object> reader = readers.computeIfAbsent(id, this::readerFor);
        AvroBoundsCheck.check(writers.get(id), bytes, WireFormat.HEADER_SIZE, bytes.length - WireFormat.HEADER_SIZE);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, WireFormat.HEADER_SIZE,
                bytes.length - WireFormat.HEADER_SIZE, null);
        try {
            Object value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new WireFormatException(WireFormatException.Kind.UNDECODABLE,
                        "Avro payload with schema id " + id + " has trailing bytes", null);
            }
            return (T) value;
        } catch (WireFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Whatever the reader throws on bytes that are not what they claim (a length beyond the record,
            // an index out of range, a limit of Avro's own) means the same: they are not a record of this schema.
            throw new WireFormatException(WireFormatException.Kind.UNDECODABLE,
                    "Avro payload does not match its writer schema (id " + id + "): " + e.getClass().getSimpleName(), e);
        }
    }

    private DatumReader<Object> readerFor(int id) {
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            throw new WireFormatException(e.isNotFound() ? WireFormatException.Kind.UNKNOWN_SCHEMA
                    : WireFormatException.Kind.REGISTRY_UNAVAILABLE,
                    "Cannot get schema id " + id + " from the registry: " + e.getMessage(), e);
        }
        writers.put(id, writer);
        Schema reader = readerSchema;
        if (reader == null && specific) {
            Class<?> generated = SpecificData.get().getClass(writer);
            if (generated != null && SpecificRecord.class.isAssignableFrom(generated)) {
                reader = SpecificData.get().getSchema(generated);
            }
        }
        if (reader != null && !reader.getFullName().equals(writer.getFullName())
                && !writer.getAliases().contains(reader.getFullName()) && !reader.getAliases().contains(writer.getFullName())) {
            throw new WireFormatException(WireFormatException.Kind.UNDECODABLE,
                    "Schema id " + id + " is " + writer.getFullName() + ", expected " + reader.getFullName(), null);
        }
        if (reader == null) {
            return new GenericDatumReader<>(writer);
        }
        return new SpecificDatumReader<>(writer, reader, AvroModel.INSTANCE);
    }
}
