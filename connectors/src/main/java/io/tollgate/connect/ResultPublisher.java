package io.tollgate.connect;

import io.tollgate.avro.Charge;
import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.DispatchedCall;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes one result per call to the results topic, keyed by account like every per-account topic. */
final class ResultPublisher implements AutoCloseable {

    /** Told when a result is written, or could not be. */
    interface Written {
        void done(Exception failure);
    }

    private final Producer<String, SpecificRecord> producer;
    private final String topic;

    ResultPublisher(Producer<String, SpecificRecord> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    void publish(DispatchedCall call, CallResult result, Written written) {
        List<Charge> charges = call.getCharges();
        DispatchResult record = DispatchResult.newBuilder()
                .setRequestId(call.getRequest().getRequestId())
                .setAccount(call.getRequest().getAccount())
                .setCredentialRef(call.getRequest().getCredentialRef())
                .setOutcome(result.outcome())
                .setStatus(result.status())
                .setLatencyMs(result.latencyMs())
                .setHeaders(Map.copyOf(result.headers()))
                .setBodyExcerpt(result.excerpt())
                .setExecutedAt(Instant.ofEpochMilli(result.executedAtMs()))
                .setExecuteAt(call.getExecuteAt())
                .setAttempt(call.getAttempt())
                .setSent(result.sent())
                .setRequest(call.getRequest())
                .setCharges(charges)
                .setWaitedForPermit(result.waitedForPermit())
                .build();
        producer.send(new ProducerRecord<>(topic, record.getAccount(), record), (meta, e) -> written.done(e));
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
