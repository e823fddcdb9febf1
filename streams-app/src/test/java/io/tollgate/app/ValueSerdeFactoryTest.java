package io.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.avro.Charge;
import io.tollgate.schemas.registry.InProcessSchemaRegistry;
import io.tollgate.schemas.serde.AvroSerde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ValueSerdeFactoryTest {

    /** Stands for a Confluent-compatible serde chosen by class name (Confluent's own is not on Maven Central). */
    public static final class NamedSerde extends AvroSerde<Charge> {
    }

    private InProcessSchemaRegistry registry;

    @BeforeEach
    void start() {
        registry = InProcessSchemaRegistry.start(0);
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void shouldConfigureASerdeNamedByClassTheWayConfluentsIsConfigured() {
        ValueSerdeFactory factory = new ValueSerdeFactory(NamedSerde.class.getName(), registry.url());
        Charge charge = Charge.newBuilder().setRuleId("burst").setSubject("credential:x").setUnits(1).setLimit(20).setRemaining(19).build();

        byte[] bytes = factory.serializer().serialize("t.dispatch", charge);

        assertThat(factory.deserializer(Charge.class).deserialize("t.dispatch", bytes)).isEqualTo(charge);
    }

    @Test
    void shouldRefuseAClassThatIsNoSerde() {
        ValueSerdeFactory factory = new ValueSerdeFactory("java.lang.String", registry.url());

        assertThatThrownBy(factory::serializer).hasMessageContaining("value.serde.class 'java.lang.String' cannot be used as a Kafka Serde");
    }
}
