package io.tollgate.schemas.serde;

import org.apache.avro.Conversions;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.specific.SpecificData;

/**
 * One Avro data model with every standard logical-type conversion. A generated class's own model only
 * knows the conversions of its own fields, which fails on logical types inside nested records.
 */
final class AvroModel {

    static final SpecificData INSTANCE = create();

    private AvroModel() {
    }

    private static SpecificData create() {
        SpecificData model = new SpecificData();
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        model.addLogicalTypeConversion(new TimeConversions.LocalTimestampMillisConversion());
        model.addLogicalTypeConversion(new TimeConversions.DateConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimeMillisConversion());
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new Conversions.UUIDConversion());
        // Avro's fast reader resolves writer and reader schema once per pair instead of per record (about
        // twice as fast to decode a request). Lengths and counts are checked before it runs (AvroBoundsCheck).
        model.setFastReaderEnabled(true);
        return model;
    }
}
