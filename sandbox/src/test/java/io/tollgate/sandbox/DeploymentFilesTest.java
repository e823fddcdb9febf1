package io.tollgate.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tollgate.config.TollgateConfig;
import io.tollgate.connect.HttpDispatchSinkConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.connect.runtime.SinkConnectorConfig;
import org.junit.jupiter.api.Test;

/**
 * The deployment files, read as Docker Compose and Kubernetes would read them, since no Docker engine or
 * cluster runs here: every Tollgate setting they pass is a key Tollgate knows with a value it accepts, every
 * file they mount exists, names they refer to are defined, and the connector configurations use only keys
 * the connector or Connect knows.
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern DOCKERFILE_STAGE = Pattern.compile("(?im)^FROM\\s+\\S+\\s+AS\\s+(\\S+)\\s*$");
    private static final Pattern DOCKERFILE_COPY = Pattern.compile("(?im)^COPY\\s+(?!--from)(\\S+)\\s+\\S+\\s*$");
    private static final Pattern K8S_VARIABLE = Pattern.compile("\\$\\((\\w+)\\)");

    @Test
    void shouldPassOnlyKnownValidTollgateSettingsInDockerCompose() throws IOException {
        JsonNode services = YAML.readTree(ROOT.resolve("docker-compose.yml").toFile()).get("services");
        Map<String, String> tollgate = new HashMap<>();
        services.fields().forEachRemaining(service -> {
            JsonNode environment = service.getValue().get("environment");
            if (environment != null) {
                environment.fields().forEachRemaining(e -> {
                    if (e.getKey().startsWith("TOLLGATE_")) {
                        tollgate.put(e.getKey(), e.getValue().asText());
                    }
                });
            }
        });

        assertThat(tollgate).as("the limiter's settings").isNotEmpty();
        assertKnownAndValid(tollgate, "docker-compose.yml");
    }

    @Test
    void shouldMountExistingFilesBuildDockerfileStagesAndPublishEachHostPortOnceInDockerCompose() throws IOException {
        JsonNode services = YAML.readTree(ROOT.resolve("docker-compose.yml").toFile()).get("services");
        Set<String> stages = dockerfileStages();
        Set<String> names = new HashSet<>();
        services.fieldNames().forEachRemaining(names::add);
        List<String> hostPorts = new ArrayList<>();
        services.fields().forEachRemaining(entry -> {
            String service = entry.getKey();
            JsonNode s = entry.getValue();
            for (JsonNode volume : iterable(s.get("volumes"))) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(ROOT.resolve(source).normalize()).as("%s mounts %s", service, source).exists();
                }
            }
            for (JsonNode port : iterable(s.get("ports"))) {
                String[] parts = port.asText().split(":");
                hostPorts.add(parts.length == 3 ? parts[0] + ":" + parts[1] : parts[0]);
            }
            if (s.has("build")) {
                assertThat(stages).as("%s builds a stage of the Dockerfile", service).contains(s.get("build").get("target").asText());
            }
            JsonNode dependsOn = s.get("depends_on");
            if (dependsOn != null) {
                Iterator<String> needed = dependsOn.isArray() ? textsOf(dependsOn) : dependsOn.fieldNames();
                needed.forEachRemaining(d -> assertThat(names).as("%s depends on %s", service, d).contains(d));
            }
        });
        assertThat(hostPorts).as("host ports").doesNotHaveDuplicates();
    }

    @Test
    void shouldCopyIntoTheImagesOnlyWhatTheBuildMakesOrTheRepositoryHolds() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        String ignore = Files.readString(ROOT.resolve(".dockerignore"));
        Matcher copy = DOCKERFILE_COPY.matcher(dockerfile);
        int copies = 0;
        while (copy.find()) {
            copies++;
            String source = copy.group(1);
            if (source.contains("/target/")) {
                // Made by `mvn package`: the module's packaged artifact, let through the ignore file.
                assertThat(ignore).as(".dockerignore lets %s through", source).contains("!" + source);
                String module = source.substring(0, source.indexOf('/'));
                String artifact = source.substring(source.lastIndexOf('/') + 1).replace(".jar", "");
                assertThat(Files.readString(ROOT.resolve(module).resolve("pom.xml"))).as("%s/pom.xml makes %s", module, source)
                        .containsAnyOf("<finalName>" + artifact + "</finalName>", "<outputDirectory>${project.build.directory}/" + artifact);
            } else {
                assertThat(ROOT.resolve(source)).as("the Dockerfile copies %s", source).exists();
            }
        }
        assertThat(copies).isGreaterThanOrEqualTo(3);
    }

    @Test
    void shouldConfigureTheDispatchConnectorWithKeysTheConnectorOrConnectKnows() throws IOException {
        assertConnectorConfig(new ObjectMapper().readTree(ROOT.resolve("deploy/dispatch-connector.json").toFile()), "deploy/dispatch-connector.json");
        for (JsonNode document : kubernetes()) {
            if (document.path("kind").asText().equals("ConfigMap") && document.path("data").has("dispatch-connector.json")) {
                assertConnectorConfig(new ObjectMapper().readTree(document.get("data").get("dispatch-connector.json").asText()),
                        "ConfigMap " + document.path("metadata").path("name").asText());
            }
        }
    }

    @Test
    void shouldRunTollgateAsAStatefulSetWithItsStateOnAVolumeAndAHeadlessServiceForQueries() throws IOException {
        List<JsonNode> documents = kubernetes();
        JsonNode statefulSet = documents.stream().filter(d -> d.path("kind").asText().equals("StatefulSet")).findFirst().orElseThrow();
        JsonNode pod = statefulSet.get("spec").get("template").get("spec");
        JsonNode container = pod.get("containers").get(0);
        Map<String, String> fieldRefs = new HashMap<>();
        Map<String, String> tollgate = new HashMap<>();
        for (JsonNode env : iterable(container.get("env"))) {
            String name = env.get("name").asText();
            if (env.has("valueFrom")) {
                fieldRefs.put(name, "tollgate-0");
                if (name.startsWith("TOLLGATE_")) {
                    assertThat(TollgateConfig.isKnownKey(TollgateConfig.keyOfEnvironmentVariable(name))).as(name).isTrue();
                }
            } else if (name.startsWith("TOLLGATE_")) {
                tollgate.put(name, substitute(env.get("value").asText(), fieldRefs));
            }
        }
        assertKnownAndValid(tollgate, "deploy/kubernetes (StatefulSet)");
        TollgateConfig config = TollgateConfig.load(new String[0], tollgate);

        String serviceName = statefulSet.get("spec").get("serviceName").asText();
        assertThat(documents).as("the headless service %s", serviceName).anySatisfy(d -> {
            assertThat(d.path("kind").asText()).isEqualTo("Service");
            assertThat(d.path("metadata").path("name").asText()).isEqualTo(serviceName);
            assertThat(d.path("spec").path("clusterIP").asText()).isEqualTo("None");
        });
        assertThat(config.advertisedAddress(config.restPort())).as("each instance advertises its own pod's name")
                .startsWith("tollgate-0." + serviceName + ":");
        Set<String> claims = new HashSet<>();
        for (JsonNode claim : iterable(statefulSet.get("spec").get("volumeClaimTemplates"))) {
            claims.add(claim.get("metadata").get("name").asText());
        }
        assertThat(iterable(container.get("volumeMounts"))).as("the state directory is on a persistent volume").anySatisfy(mount -> {
            assertThat(mount.get("mountPath").asText()).isEqualTo(config.stateDir().toString());
            assertThat(claims).contains(mount.get("name").asText());
        });
        assertThat(iterable(container.get("ports"))).as("the container exposes rest.port").anySatisfy(port ->
                assertThat(port.get("containerPort").asInt()).isEqualTo(config.restPort()));
        assertThat(pod.get("terminationGracePeriodSeconds").asLong() * 1000).as("a stop has time to finish")
                .isGreaterThan(config.shutdownTimeout().toMillis());
    }

    @Test
    void shouldReferToConfigMapsAndServicesTheManifestsDefine() throws IOException {
        List<JsonNode> documents = kubernetes();
        Set<String> configMaps = new HashSet<>();
        documents.stream().filter(d -> d.path("kind").asText().equals("ConfigMap"))
                .forEach(d -> configMaps.add(d.get("metadata").get("name").asText()));
        int podSpecs = 0;
        for (JsonNode document : documents) {
            JsonNode pod = document.path("spec").path("template").path("spec");
            if (pod.isMissingNode()) {
                continue;
            }
            podSpecs++;
            for (JsonNode volume : iterable(pod.get("volumes"))) {
                if (volume.has("configMap")) {
                    assertThat(configMaps).as("ConfigMap of volume %s", volume.get("name").asText())
                            .contains(volume.get("configMap").get("name").asText());
                }
            }
            for (JsonNode container : iterable(pod.get("containers"))) {
                Set<String> volumes = new HashSet<>();
                iterable(pod.get("volumes")).forEach(v -> volumes.add(v.get("name").asText()));
                iterable(document.path("spec").get("volumeClaimTemplates")).forEach(c -> volumes.add(c.get("metadata").get("name").asText()));
                for (JsonNode mount : iterable(container.get("volumeMounts"))) {
                    assertThat(volumes).as("volume of %s", mount.get("mountPath").asText()).contains(mount.get("name").asText());
                }
            }
        }
        assertThat(podSpecs).isGreaterThanOrEqualTo(3);
    }

    private static void assertKnownAndValid(Map<String, String> environment, String where) {
        environment.keySet().forEach(name -> assertThat(TollgateConfig.isKnownKey(TollgateConfig.keyOfEnvironmentVariable(name)))
                .as("%s sets %s, which is not a Tollgate setting", where, name).isTrue());
        // The values pass the same checks as at start: types, ranges, and the rules between keys.
        TollgateConfig.load(new String[0], environment);
    }

    private static void assertConnectorConfig(JsonNode config, String where) {
        Set<String> known = new HashSet<>(HttpDispatchSinkConfig.CONFIG.names());
        known.addAll(SinkConnectorConfig.configDef().names());
        config.fieldNames().forEachRemaining(key -> assertThat(known).as("%s sets %s", where, key).contains(key));
        assertThat(config.get("connector.class").asText()).isEqualTo("io.tollgate.connect.HttpDispatchSinkConnector");
    }

    private static List<JsonNode> kubernetes() throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var files = Files.list(ROOT.resolve("deploy/kubernetes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (var parser = new YAMLFactory().createParser(file.toFile())) {
                    YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
                }
            }
        }
        assertThat(documents).isNotEmpty();
        return documents;
    }

    private static String substitute(String value, Map<String, String> variables) {
        Matcher m = K8S_VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(variables.getOrDefault(m.group(1), m.group())));
        }
        return m.appendTail(out).toString();
    }

    private static Set<String> dockerfileStages() throws IOException {
        Set<String> stages = new HashSet<>();
        Matcher m = DOCKERFILE_STAGE.matcher(Files.readString(ROOT.resolve("Dockerfile")));
        while (m.find()) {
            stages.add(m.group(1));
        }
        return stages;
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        if (array != null) {
            array.forEach(items::add);
        }
        return items;
    }

    private static Iterator<String> textsOf(JsonNode array) {
        return iterable(array).stream().map(JsonNode::asText).iterator();
    }
}
