package io.tollgate.connect;

import io.tollgate.avro.DispatchedCall;
import io.tollgate.schemas.registry.SchemaRegistryClient;
import io.tollgate.schemas.serde.AvroDeserializer;
import io.tollgate.schemas.serde.AvroSerializer;
import io.tollgate.schemas.serde.WireFormatException;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads dispatched calls (Confluent-framed Avro, read as bytes) and hands each to the
 * {@link DispatchScheduler}. Offsets are committed only for calls whose result is written. When too
 * many calls are pending, the task pauses its partitions instead of blocking in {@code put()}.
 */
public final class HttpDispatchSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(HttpDispatchSinkTask.class);

    private HttpDispatchSinkConfig config;
    private AvroDeserializer<DispatchedCall> reader;
    private CredentialResolver credentials;
    private ResultPublisher results;
    private OffsetTracker offsets;
    private DispatchScheduler scheduler;
    private ErrantRecordReporter deadLetters;
    private int maxPending;
    private boolean exposesMetrics;
    private boolean paused;

    @Override
    public String version() {
        return HttpDispatchSinkConnector.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new HttpDispatchSinkConfig(props);
        SchemaRegistryClient registry = new SchemaRegistryClient(config.schemaRegistryUrl());
        reader = new AvroDeserializer<>(registry, DispatchedCall.class);
        ConfigProvider provider = config.credentialsProvider();
        credentials = new CredentialResolver(provider, config.credentialsPath(), config.credentialsKeyFormat(), config.credentialsCacheMs(),
                System::currentTimeMillis);
        results = new ResultPublisher(new KafkaProducer<>(config.resultsProducerConfig(), new StringSerializer(),
                new AvroSerializer<>(registry, true)),
                config.resultsTopic());
        offsets = new OffsetTracker();
        scheduler = new DispatchScheduler(new VendorSender(config, credentials, System::currentTimeMillis), results, offsets,
                System::currentTimeMillis, config.sendMarginMs(), new FinishedElsewhere(config.resultsProducerConfig(), config.resultsTopic(),
                new AvroDeserializer<>(registry, io.tollgate.avro.DispatchResult.class)),
                config.handoffTopic().<PartitionHandoff>map(topic -> new HandoffLog(config.resultsProducerConfig(), topic))
                        .orElse(PartitionHandoff.NONE));
        maxPending = config.maxPending();
        if (config.metricsPort().isPresent()) {
            java.net.URI metrics = DispatcherMetrics.expose(config.metricsHost(), config.metricsPort().getAsInt());
            exposesMetrics = true;
            LOG.info("Dispatcher metrics at {}", metrics);
        }
        try {
            deadLetters = context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            deadLetters = null;
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (scheduler.fatal() != null) {
            throw new ConnectException("a result could not be written to Kafka; stopping so that no call is lost", scheduler.fatal());
        }
        for (DecodedBatch.Entry entry : DecodedBatch.decode(records, this::decode, deadLetters != null)) {
            SinkRecord record = entry.record();
            TopicPartition tp = new TopicPartition(record.originalTopic(), record.originalKafkaPartition());
            if (entry.failure() != null) {
                LOG.warn("Undecodable dispatched call at {}-{}@{} sent to the dead letter queue: {}", record.topic(),
                        record.kafkaPartition(), record.kafkaOffset(), entry.failure().getMessage());
                deadLetters.report(record, entry.failure());
                offsets.skip(tp, record.originalKafkaOffset());
            } else {
                scheduler.submit(tp, record.originalKafkaOffset(), entry.call());
            }
        }
        applyBackpressure();
    }

    private DispatchedCall decode(SinkRecord record) {
        if (!(record.value() instanceof byte[] bytes)) {
            throw new WireFormatException(WireFormatException.Kind.NOT_FRAMED, "record value is "
                    + (record.value() == null ? "null" : record.value().getClass().getSimpleName())
                    + ", expected bytes: configure value.converter=org.apache.kafka.connect.converters.ByteArrayConverter", null);
        }
        return reader.deserialize(record.topic(), bytes);
    }

    private void applyBackpressure() {
        int pending = offsets.pending();
        if (!paused && pending >= maxPending) {
            context.pause(context.assignment().toArray(TopicPartition[]::new));
            paused = true;
            LOG.info("{} calls pending: pausing consumption", pending);
        } else if (paused && pending < maxPending / 2) {
            context.resume(context.assignment().toArray(TopicPartition[]::new));
            paused = false;
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        return offsets.committable(currentOffsets.keySet());
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        scheduler.assign(partitions);
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        scheduler.revoke(partitions);
    }

    @Override
    public void stop() {
        if (scheduler != null) {
            scheduler.close();
            try {
                // As long as a call may take (VendorSender): its result is then written, or it is given up.
                if (!scheduler.awaitCallsUnderWay(Duration.ofMillis(VendorSender.wholeExchangeMs(config.connectTimeout(), config.requestTimeout())))) {
                    LOG.warn("Calls still under way when the task stopped: their results are not written, and their partition's next "
                            + "owner will see them again");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (results != null) {
            results.close();
        }
        if (credentials != null) {
            try {
                credentials.close();
            } catch (Exception e) {
                LOG.debug("credential provider did not close: {}", e.toString());
            }
        }
        if (exposesMetrics) {
            DispatcherMetrics.release();
            exposesMetrics = false;
        }
    }
}
