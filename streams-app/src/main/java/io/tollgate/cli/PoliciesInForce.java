package io.tollgate.cli;

import io.tollgate.avro.policy.Account;
import io.tollgate.avro.policy.Policy;
import io.tollgate.config.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The policies and accounts in force: the compacted topics the gate writes once it has checked a record,
 * and the instances load. Read from the beginning to their end, the last record of each key winning.
 */
public record PoliciesInForce(Map<String, Policy> policies, Map<String, Account> accounts) {

    public static PoliciesInForce read(Map<String, Object> clients, TopicNames topics, Deserializer<Policy> policies,
                                       Deserializer<Account> accounts, Duration timeout) {
        Map<String, Object> props = new HashMap<>(clients);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<String, Policy> policyById = new TreeMap<>();
        Map<String, Account> accountById = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(topics.policiesInForce(), topics.accountsInForce())) {
                consumer.partitionsFor(topic, timeout).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the policies in force could not be read within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(topics.policiesInForce())) {
                        put(policyById, r.key(), r.value() == null ? null : policies.deserialize(r.topic(), r.value()));
                    } else {
                        put(accountById, r.key(), r.value() == null ? null : accounts.deserialize(r.topic(), r.value()));
                    }
                }
            }
        }
        return new PoliciesInForce(policyById, accountById);
    }

    private static <T> void put(Map<String, T> byId, String id, T value) {
        if (value == null) {
            byId.remove(id);
        } else {
            byId.put(id, value);
        }
    }
}
