package io.tollgate.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.DispatchResult;
import io.tollgate.schemas.Samples;
import io.tollgate.schemas.serde.AvroDeserializer;
import io.tollgate.schemas.serde.AvroSerializer;
import io.tollgate.schemas.serde.WireFormat;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.ParsedSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaMetadata;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Confluent's own {@code CachedSchemaRegistryClient} (7.5.3, relocated inside a Flink artifact) against
 * the in-process registry: what it registers, Tollgate's serde reads, and the other way round.
 */
class ConfluentClientContractTest {

    private InProcessSchemaRegistry registry;
    private CachedSchemaRegistryClient confluent;
    private SchemaRegistryClient ours;

    @BeforeEach
    void start() {
        registry = InProcessSchemaRegistry.start(0);
        confluent = new CachedSchemaRegistryClient(registry.url(), 100);
        ours = new SchemaRegistryClient(registry.url());
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void shouldGiveConfluentClientTheSameIdsAsOurs() throws Exception {
        AvroSchema schema = new AvroSchema(ApiRequest.getClassSchema().toString());

        int confluentId = confluent.register("tollgate.requests-value", schema);
        int ourId = ours.register("tollgate.requests-value", ApiRequest.getClassSchema());

        assertThat(ourId).isEqualTo(confluentId);
        assertThat(confluent.getId("tollgate.requests-value", schema)).isEqualTo(confluentId);
        assertThat(confluent.getVersion("tollgate.requests-value", schema)).isEqualTo(1);
        assertThat(confluent.getAllSubjects()).containsExactly("tollgate.requests-value");
        assertThat(confluent.getAllVersions("tollgate.requests-value")).containsExactly(1);
    }

    @Test
    void shouldServeSchemasOurSerializerRegisteredToConfluentClient() throws Exception {
        byte[] bytes = new AvroSerializer<DispatchResult>(ours, true).serialize("tollgate.results", sampleResult());
        int id = WireFormat.schemaId(bytes);

        ParsedSchema fetched = new CachedSchemaRegistryClient(registry.url(), 10).getSchemaById(id);
        SchemaMetadata latest = confluent.getLatestSchemaMetadata("tollgate.results-value");

        assertThat(fetched.schemaType()).isEqualTo("AVRO");
        assertThat(new Schema.Parser().parse(fetched.canonicalString())).isEqualTo(DispatchResult.getClassSchema());
        assertThat(latest.getId()).isEqualTo(id);
        assertThat(latest.getVersion()).isEqualTo(1);
    }

    @Test
    void shouldLetOurDeserializerReadFramesForIdsConfluentRegistered() throws Exception {
        int id = confluent.register("x-value", new AvroSchema(ApiRequest.getClassSchema().toString()));
        byte[] bytes = new AvroSerializer<ApiRequest>(ours, true).serialize("x", Samples.apiRequest());

        assertThat(WireFormat.schemaId(bytes)).isEqualTo(id);
        assertThat(new AvroDeserializer<>(new SchemaRegistryClient(registry.url()), ApiRequest.class).deserialize("x", bytes))
                .isEqualTo(Samples.apiRequest());
    }

    @Test
    void shouldAnswerConfluentClientWithItsErrorCodes() throws Exception {
        String v1 = "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
        String incompatible = "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\"}]}";
        confluent.register("c-value", new AvroSchema(v1));

        assertThat(confluent.testCompatibility("c-value", new AvroSchema(incompatible))).isFalse();
        assertThatThrownBy(() -> confluent.register("c-value", new AvroSchema(incompatible)))
                .isInstanceOfSatisfying(RestClientException.class, e -> assertThat(e.getErrorCode()).isEqualTo(409));
        assertThatThrownBy(() -> confluent.getSchemaById(777))
                .isInstanceOfSatisfying(RestClientException.class, e -> assertThat(e.getErrorCode()).isEqualTo(40403));
        assertThatThrownBy(() -> confluent.getLatestSchemaMetadata("nope-value"))
                .isInstanceOfSatisfying(RestClientException.class, e -> assertThat(e.getErrorCode()).isEqualTo(40401));
    }

    private static DispatchResult sampleResult() {
        return DispatchResult.newBuilder()
                .setRequestId("req-1").setAccount("acme").setCredentialRef("pipedrive/acme-main")
                .setOutcome(io.tollgate.avro.Outcome.RATE_LIMITED).setStatus(429).setLatencyMs(12)
                .setHeaders(java.util.Map.of("x-ratelimit-remaining", "0"))
                .setExecutedAt(java.time.Instant.ofEpochMilli(5000)).setAttempt(1)
                .setRequest(Samples.apiRequest()).build();
    }
}
