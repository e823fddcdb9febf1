package io.tollgate.app;

import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.serde.AvroDeserializer;
import io.tollgate.schemas.serde.AvroSerde;
import io.tollgate.schemas.serde.AvroSerializer;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Value serializers for the Confluent wire format. Tollgate's own serde by default; any
 * Confluent-compatible {@link Serde} class (Confluent's {@code SpecificAvroSerde}, when on the
 * classpath) can be named in {@code value.serde.class} and is configured the way Confluent's is.
 */
public final class ValueSerdeFactory {

    private final String serdeClass;
    private final String registryUrl;
    private final SchemaRegistryClient registry;

    public ValueSerdeFactory(String serdeClass, String registryUrl) {
        this.serdeClass = serdeClass;
        this.registryUrl = registryUrl;
        this.registry = new SchemaRegistryClient(registryUrl);
    }

    private boolean isOwn() {
        return serdeClass.isBlank() || serdeClass.equals(AvroSerde.class.getName());
    }

    public Serializer<SpecificRecord> serializer() {
        if (isOwn()) {
            return new AvroSerializer<>(registry, true);
        }
        return this.<SpecificRecord>configured().serializer();
    }

    public <T extends SpecificRecord> Deserializer<T> deserializer(Class<T> type) {
        if (isOwn()) {
            return new AvroDeserializer<>(registry, type);
        }
        return this.<T>configured().deserializer();
    }

    @SuppressWarnings("unchecked")
    private <T> Serde<T> configured() {
        Serde<T> serde;
        try {
            serde = (Serde<T>) Class.forName(serdeClass).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("value.serde.class '" + serdeClass + "' cannot be used as a Kafka Serde: " + e, e);
        }
        serde.configure(Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true, "auto.register.schemas", true), false);
        return serde;
    }
}
