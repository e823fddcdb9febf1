package io.tollgate.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka Connect worker (distributed mode) in this JVM, REST on 127.0.0.1, that finds the
 * dispatch connector on the classpath through its ServiceLoader file. Connectors are managed through
 * its REST API, as an operator would.
 */
public final class ConnectWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectWorker.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connect<?> connect;
    private final URI rest;
    private final HttpClient http = HttpClient.newHttpClient();

    private ConnectWorker(Connect<?> connect) {
        this.connect = connect;
        this.rest = connect.rest().serverUrl();
    }

    public static ConnectWorker start(String bootstrapServers, String name) {
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", name + "-" + UUID.randomUUID());
        props.put("config.storage.topic", name + ".connect-configs");
        props.put("offset.storage.topic", name + ".connect-offsets");
        props.put("status.storage.topic", name + ".connect-status");
        props.put("config.storage.replication.factor", "1");
        props.put("offset.storage.replication.factor", "1");
        props.put("status.storage.replication.factor", "1");
        props.put("offset.storage.partitions", "2");
        props.put("status.storage.partitions", "1");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        props.put("listeners", "http://127.0.0.1:0");
        props.put("rest.advertised.host.name", "127.0.0.1");
        props.put("plugin.discovery", "service_load");
        props.put("offset.flush.interval.ms", "1000");
        // The dispatcher must never execute a call from an aborted transaction of the limiter.
        props.put("consumer.isolation.level", "read_committed");
        props.put("consumer.max.poll.records", "2000");
        props.put("connector.client.config.override.policy", "All");
        Connect<?> connect = new ConnectDistributed().startConnect(props);
        ConnectWorker worker = new ConnectWorker(connect);
        LOG.info("Connect worker REST at {}", worker.rest);
        return worker;
    }

    public URI restUrl() {
        return rest;
    }

    /** Creates or updates a connector and waits until it and its tasks run. */
    public void putConnector(String name, Map<String, String> config, Duration timeout) throws IOException, InterruptedException {
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(rest.resolve("/connectors/" + name + "/config"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(config))).build(), HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() / 100 != 2) {
            throw new IllegalStateException("Connect refused connector " + name + ": " + put.statusCode() + " " + put.body());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(rest.resolve("/connectors/" + name + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            last = status.body();
            if (status.statusCode() == 200) {
                JsonNode node = JSON.readTree(status.body());
                boolean running = node.path("connector").path("state").asText().equals("RUNNING") && node.path("tasks").size() > 0;
                for (JsonNode task : node.path("tasks")) {
                    if (task.path("state").asText().equals("FAILED")) {
                        throw new IllegalStateException("connector task failed: " + task.path("trace").asText());
                    }
                    running &= task.path("state").asText().equals("RUNNING");
                }
                if (running) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("connector " + name + " not running within " + timeout + ": " + last);
    }

    /** Pauses a connector's tasks (as an operator would, or as a slow dispatcher looks to Tollgate). */
    public void pause(String name) throws IOException, InterruptedException {
        call("PUT", "/connectors/" + name + "/pause");
    }

    public void resume(String name) throws IOException, InterruptedException {
        call("PUT", "/connectors/" + name + "/resume");
    }

    /** Restarts a connector's task, as Connect does after a failure or an operator does by hand. */
    public void restartTask(String name, int task) throws IOException, InterruptedException {
        call("POST", "/connectors/" + name + "/tasks/" + task + "/restart");
    }

    private void call(String method, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(rest.resolve(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    public JsonNode status(String name) throws IOException, InterruptedException {
        return JSON.readTree(http.send(HttpRequest.newBuilder(rest.resolve("/connectors/" + name + "/status")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    @Override
    public void close() {
        connect.stop();
        connect.awaitStop();
    }
}
