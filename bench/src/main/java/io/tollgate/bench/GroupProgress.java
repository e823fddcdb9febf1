package io.tollgate.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** How far an app's consumer group has committed through a topic, against how much the topic holds. */
record GroupProgress(Admin admin, String group, List<TopicPartition> partitions) {

    static GroupProgress of(Admin admin, String group, String topic) throws ExecutionException, InterruptedException {
        List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        return new GroupProgress(admin, group, partitions);
    }

    /** Records in the topic now, all partitions together. */
    long end() throws ExecutionException, InterruptedException {
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all().get()
                .values().stream().mapToLong(o -> o.offset()).sum();
    }

    /** Records the group has committed, all partitions together. */
    long committed() throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        return partitions.stream().mapToLong(p -> committed.get(p) == null ? 0 : committed.get(p).offset()).sum();
    }
}
