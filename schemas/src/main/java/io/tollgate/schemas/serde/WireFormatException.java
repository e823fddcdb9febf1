package io.tollgate.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/** Bytes that are not a readable Confluent-framed Avro record, with the kind of failure. */
public class WireFormatException extends SerializationException {

    /** Why the bytes could not be read. */
    public enum Kind {
        /** Shorter than a frame, or the first byte is not the magic byte 0. */
        NOT_FRAMED,
        /** The frame names a schema id the registry does not know. */
        UNKNOWN_SCHEMA,
        /** The registry could not be asked. */
        REGISTRY_UNAVAILABLE,
        /** The Avro payload does not match its writer schema, or cannot be resolved to the reader's. */
        UNDECODABLE
    }

    private final Kind kind;

    public WireFormatException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
