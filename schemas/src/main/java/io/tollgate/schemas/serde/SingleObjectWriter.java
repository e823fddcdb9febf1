package io.tollgate.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Avro's single-object encoding, the bytes a generated class's {@code getEncoder()} writes (a marker, the
 * schema's fingerprint, the datum), written by a {@link CompiledWriter}. Its decoder reads them as before.
 */
public final class SingleObjectWriter<T> {

    private final byte[] header;
    private final CompiledWriter writer;

    public SingleObjectWriter(Schema schema) {
        this.header = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0xC3).put((byte) 0x01)
                .putLong(SchemaNormalization.parsingFingerprint64(schema)).array();
        this.writer = CompiledWriter.of(schema);
    }

    public byte[] write(T datum) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(header);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(datum, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
