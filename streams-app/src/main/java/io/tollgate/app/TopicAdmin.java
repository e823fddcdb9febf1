package io.tollgate.app;

import io.tollgate.config.TopicNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Tollgate's topics when they are missing and checks the ones that exist: the per-account
 * topics must be co-partitioned (one task decides for an account and sees its results), and the
 * policy and account topics must be compacted.
 */
public final class TopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    private TopicAdmin() {
    }

    /** @return the partition count the per-account topics have */
    public static int ensureTopics(Admin admin, TopicNames topics, int partitions, short replication)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<NewTopic> missing = new ArrayList<>();
        for (String topic : topics.perAccount()) {
            if (!existing.contains(topic)) {
                missing.add(new NewTopic(topic, partitions, replication));
            }
        }
        for (String topic : topics.compacted()) {
            if (!existing.contains(topic)) {
                missing.add(new NewTopic(topic, 1, replication)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
            }
        }
        if (!missing.isEmpty()) {
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                LOG.info("Created topics {}", missing.stream().map(NewTopic::name).toList());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        List<String> all = new ArrayList<>(topics.perAccount());
        all.addAll(topics.compacted());
        Map<String, TopicDescription> described = describe(admin, all);
        Map<String, Integer> counts = new HashMap<>();
        topics.perAccount().forEach(name -> counts.put(name, described.get(name).partitions().size()));
        if (counts.values().stream().distinct().count() > 1) {
            throw new IllegalStateException("Tollgate's per-account topics must have the same number of partitions "
                    + "(every call and result of an account is decided in one task), but they have " + counts
                    + ". Add partitions so that they match.");
        }
        return counts.values().iterator().next();
    }

    /**
     * Describes topics just created, once every partition has a leader: until then the broker answers that it
     * does not know them, or refuses writes (NOT_LEADER_OR_FOLLOWER), and an idempotent producer that meets
     * that on its first batch can be left retrying out of sequence until it times out (seen seeding policies).
     */
    private static Map<String, TopicDescription> describe(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
                boolean led = described.values().stream().flatMap(d -> d.partitions().stream()).allMatch(p -> p.leader() != null
                        && !p.leader().isEmpty());
                if (led || System.nanoTime() > deadline) {
                    return described;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }
}
