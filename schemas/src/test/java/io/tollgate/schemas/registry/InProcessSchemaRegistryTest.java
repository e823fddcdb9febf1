package io.tollgate.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InProcessSchemaRegistryTest {

    private static final Schema V1 = SchemaBuilder.record("Thing").namespace("t").fields()
            .requiredString("name").endRecord();
    private static final Schema V2_WITH_DEFAULT = SchemaBuilder.record("Thing").namespace("t").fields()
            .requiredString("name").name("size").type().intType().intDefault(0).endRecord();
    private static final Schema V2_WITHOUT_DEFAULT = SchemaBuilder.record("Thing").namespace("t").fields()
            .requiredString("name").requiredInt("size").endRecord();

    private InProcessSchemaRegistry registry;
    private SchemaRegistryClient client;

    @BeforeEach
    void start() {
        registry = InProcessSchemaRegistry.start(0);
        client = new SchemaRegistryClient(registry.url());
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void shouldReturnSameIdWhenSameSchemaRegisteredTwiceAndShareIdsAcrossSubjects() {
        int first = client.register("a-value", V1);
        int again = new SchemaRegistryClient(registry.url()).register("a-value", V1);
        int otherSubject = client.register("b-value", V1);

        assertThat(again).isEqualTo(first);
        assertThat(otherSubject).isEqualTo(first);
        assertThat(client.versions("a-value")).containsExactly(1);
        assertThat(client.subjects()).containsExactly("a-value", "b-value");
    }

    @Test
    void shouldAddVersionWhenEvolutionIsBackwardCompatible() {
        int v1 = client.register("s-value", V1);
        int v2 = client.register("s-value", V2_WITH_DEFAULT);

        assertThat(v2).isNotEqualTo(v1);
        assertThat(client.latest("s-value").version()).isEqualTo(2);
        assertThat(client.version("s-value", 1).schema()).isEqualTo(V1);
        assertThat(client.schemaById(v2)).isEqualTo(V2_WITH_DEFAULT);
        assertThat(client.idOf("s-value", V1)).isEqualTo(v1);
    }

    @Test
    void shouldRefuseIncompatibleSchemaWithConflictCode() {
        client.register("s-value", V1);

        assertThat(client.isCompatible("s-value", V2_WITHOUT_DEFAULT)).isFalse();
        assertThatThrownBy(() -> client.register("s-value", V2_WITHOUT_DEFAULT))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
                })
                .hasMessageContaining("size");
    }

    @Test
    void shouldAcceptAnythingWhenCompatibilityIsNone() {
        client.register("s-value", V1);
        client.setCompatibility("s-value", CompatibilityLevel.NONE);

        assertThat(client.isCompatible("s-value", V2_WITHOUT_DEFAULT)).isTrue();
        assertThat(client.register("s-value", V2_WITHOUT_DEFAULT)).isPositive();
        assertThat(client.compatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
    }

    @Test
    void shouldAnswerNotFoundCodes() {
        assertThatThrownBy(() -> client.schemaById(4242))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
        assertThatThrownBy(() -> client.latest("missing-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
        client.register("s-value", V1);
        assertThatThrownBy(() -> client.idOf("s-value", V2_WITH_DEFAULT))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
    }

    @Test
    void shouldFailClearlyWhenRegistryIsDown() {
        String url = registry.url();
        registry.close();

        assertThatThrownBy(() -> new SchemaRegistryClient(url).register("x-value", V1))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.UNREACHABLE))
                .hasMessageContaining("unreachable");
        registry = InProcessSchemaRegistry.start(0);
    }

    @Test
    void shouldFailOverToNextUrlWhenFirstIsDown() {
        String dead = "http://127.0.0.1:1";

        int id = new SchemaRegistryClient(dead + "," + registry.url()).register("f-value", V1);

        assertThat(client.schemaById(id)).isEqualTo(V1);
    }
}
