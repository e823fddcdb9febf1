package io.tollgate.connect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Executes the calls Tollgate dispatched: reads {@code dispatch}, sends each call over HTTP in the
 * slot the limiter gave it, and writes its result to {@code results}. Use with
 * {@code value.converter=org.apache.kafka.connect.converters.ByteArrayConverter} and a consumer
 * reading committed data only ({@code consumer.override.isolation.level=read_committed} or the
 * worker's {@code consumer.isolation.level}).
 */
public final class HttpDispatchSinkConnector extends SinkConnector {

    static final String VERSION = "0.1.0";

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        new HttpDispatchSinkConfig(props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return HttpDispatchSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
        }
        return configs;
    }

    @Override
    public void stop() {
        // Nothing held at the connector level.
    }

    @Override
    public ConfigDef config() {
        return HttpDispatchSinkConfig.CONFIG;
    }

    @Override
    public String version() {
        return VERSION;
    }
}
