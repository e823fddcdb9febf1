package io.tollgate.schemas.serde;

import io.tollgate.schemas.registry.SchemaRegistryClient;
import java.util.Map;

/**
 * Configuration keys of the serde. They carry the same names as Confluent's, so one configuration
 * works with either implementation.
 */
public final class AvroSerdeConfig {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

    private AvroSerdeConfig() {
    }

    static SchemaRegistryClient client(Map<String, ?> configs) {
        Object url = configs.get(SCHEMA_REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new org.apache.kafka.common.config.ConfigException(SCHEMA_REGISTRY_URL, url,
                    "The Avro serde needs the schema registry's URL");
        }
        return new SchemaRegistryClient(url.toString());
    }

    static boolean flag(Map<String, ?> configs, String key, boolean defaultValue) {
        Object value = configs.get(key);
        return value == null ? defaultValue : Boolean.parseBoolean(value.toString());
    }
}
