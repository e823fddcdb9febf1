package io.tollgate.app;

import io.tollgate.avro.policy.Account;
import io.tollgate.avro.policy.Policy;
import io.tollgate.config.TopicNames;
import io.tollgate.policy.PolicyFile;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the policies and accounts of a policy file to their compacted topics. The file was fully
 * validated when it was read, so a bad file stops the app before anything is published.
 */
public final class PolicySeeder {

    private static final Logger LOG = LoggerFactory.getLogger(PolicySeeder.class);

    private PolicySeeder() {
    }

    public static void seed(PolicyFile.Contents contents, TopicNames topics, Producer<String, SpecificRecord> producer)
            throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (Policy policy : contents.policies()) {
            sent.add(producer.send(new ProducerRecord<>(topics.policies(), policy.getId(), policy)));
        }
        for (Account account : contents.accounts()) {
            sent.add(producer.send(new ProducerRecord<>(topics.accounts(), account.getId(), account)));
        }
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
            f.get(30, TimeUnit.SECONDS);
        }
        LOG.info("Seeded {} policies {} and {} accounts", contents.policies().size(),
                contents.policies().stream().map(Policy::getId).toList(), contents.accounts().size());
    }
}
