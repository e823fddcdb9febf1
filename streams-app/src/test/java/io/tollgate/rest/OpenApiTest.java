package io.tollgate.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tollgate.query.Views;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** openapi.yaml describes the API the server routes, and the shapes it answers with, field for field. */
class OpenApiTest {

    private static JsonNode spec() throws Exception {
        try (InputStream in = OpenApiTest.class.getResourceAsStream("/openapi.yaml")) {
            assertThat(in).as("openapi.yaml on the classpath").isNotNull();
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        }
    }

    @Test
    void shouldDescribeExactlyTheRoutesTheServerHas() throws Exception {
        Set<String> described = new HashSet<>();
        spec().get("paths").fieldNames().forEachRemaining(described::add);

        assertThat(described).containsExactlyInAnyOrderElementsOf(RestServer.ROUTES);
    }

    @Test
    void shouldDescribeEveryViewWithExactlyTheFieldsItIsWrittenWith() throws Exception {
        JsonNode schemas = spec().get("components").get("schemas");
        Class<?>[] views = Views.class.getDeclaredClasses();
        assertThat(views).isNotEmpty();
        for (Class<?> view : views) {
            JsonNode schema = schemas.get(view.getSimpleName());
            assertThat(schema).as("schema of " + view.getSimpleName()).isNotNull();
            Set<String> properties = new HashSet<>();
            schema.get("properties").fieldNames().forEachRemaining(properties::add);
            assertThat(properties).as(view.getSimpleName())
                    .containsExactlyInAnyOrderElementsOf(Arrays.stream(view.getRecordComponents()).map(RecordComponent::getName).toList());
        }
    }

    @Test
    void shouldRequireTheBearerTokenEverywhereButTheProbes() throws Exception {
        JsonNode spec = spec();
        assertThat(spec.get("security").get(0).has("bearer")).isTrue();
        spec.get("paths").fields().forEachRemaining(path -> {
            boolean open = path.getValue().get("get").has("security");
            assertThat(open).as(path.getKey()).isEqualTo(path.getKey().equals("/health") || path.getKey().equals("/ready"));
        });
    }
}
