package io.tollgate.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.TopicPartition;

/**
 * A new owner of a dispatch partition sends as its own only calls at offsets that no earlier owner received,
 * whatever happened before it: owners that stopped cleanly, owners that crashed mid-tenure, markers lost to
 * retention, unreadable records on the topic.
 */
class HandoffMarkerProperties {

    private static final TopicPartition TP = new TopicPartition("tollgate.dispatch", 0);

    @Property(tries = 2000)
    void shouldNeverCallAnOffsetUnseenThatAnEarlierOwnerReceived(@ForAll @IntRange(min = 1, max = 6) int owners, @ForAll long seed) {
        Random random = new Random(seed);
        List<HandoffMarker> topic = new ArrayList<>();
        long logEnd = random.nextInt(50);
        long committed = 0;
        long highestReceived = -1;
        boolean lastStoppedCleanly = false;
        HandoffMarker lateStop = null;
        for (int i = 0; i < owners; i++) {
            // Each tenure begins once the one before has stopped or died: its start marker, then what the markers before
            // it say, then the partition's end offset.
            String owner = UUID.randomUUID().toString();
            OptionalLong inherited = HandoffMarker.unseenAbove(topic);
            topic.add(new HandoffMarker.Started(owner));
            if (lateStop != null) {
                // The previous owner had stopped receiving, but its stop marker was written only now.
                topic.add(lateStop);
                lateStop = null;
            }
            PartitionHandoff.Tenure tenure = new PartitionHandoff.Tenure(TP, owner, inherited,
                    random.nextInt(10) == 0 ? OptionalLong.empty() : OptionalLong.of(logEnd));
            // It receives from the committed offset on, while the limiter writes more, and commits some of what it finished.
            long received = -1;
            long next = committed;
            int steps = random.nextInt(6);
            for (int s = 0; s < steps; s++) {
                logEnd += random.nextInt(20);
                long upTo = next + random.nextInt((int) Math.max(1, logEnd - next + 1));
                if (upTo < logEnd) {
                    received = Math.max(received, upTo);
                    next = upTo + 1;
                }
                if (received >= committed && random.nextBoolean()) {
                    committed = committed + random.nextInt((int) (received - committed + 2));
                }
            }
            highestReceived = Math.max(highestReceived, received);
            lastStoppedCleanly = random.nextInt(3) != 0;
            if (lastStoppedCleanly) {
                OptionalLong sawUpTo = tenure.sawUpTo(received);
                if (sawUpTo.isPresent() && random.nextInt(4) == 0) {
                    lateStop = new HandoffMarker.Stopped(owner, sawUpTo.getAsLong());
                    lastStoppedCleanly = false;
                } else {
                    sawUpTo.ifPresent(u -> topic.add(new HandoffMarker.Stopped(owner, u)));
                    lastStoppedCleanly = sawUpTo.isPresent();
                }
            }
            if (random.nextInt(8) == 0) {
                topic.add(HandoffMarker.parse(randomBytes(random)));
                lastStoppedCleanly = false;
            }
            logEnd += random.nextInt(20);
        }
        if (lateStop != null) {
            lastStoppedCleanly = topic.get(topic.size() - 1) instanceof HandoffMarker.Started started
                    && started.owner().equals(((HandoffMarker.Stopped) lateStop).owner());
            topic.add(lateStop);
        }
        // Retention may have deleted the oldest markers.
        int lost = random.nextInt(4) == 0 ? random.nextInt(topic.size() + 1) : 0;
        List<HandoffMarker> kept = topic.subList(lost, topic.size());
        int lastStart = 0;
        for (int i = 0; i < topic.size(); i++) {
            lastStart = topic.get(i) instanceof HandoffMarker.Started ? i : lastStart;
        }
        boolean lastTenureIntact = lost <= lastStart;

        OptionalLong unseenAbove = HandoffMarker.unseenAbove(kept);

        if (unseenAbove.isPresent()) {
            assertThat(highestReceived).as("an offset an earlier owner received must not be called unseen").isLessThanOrEqualTo(unseenAbove.getAsLong());
        }
        if (lastStoppedCleanly && lastTenureIntact) {
            assertThat(unseenAbove).as("after a clean stop, the next owner knows what was never received").isPresent();
        }
    }

    @Property(tries = 1000)
    void shouldReadAnyBytesAsAMarkerOrUnreadableWithoutThrowing(@ForAll byte[] value) {
        HandoffMarker marker = HandoffMarker.parse(value);
        if (!(marker instanceof HandoffMarker.Unreadable)) {
            assertThat(marker.encode().getBytes(StandardCharsets.UTF_8)).isEqualTo(value);
        }
    }

    @Property(tries = 500)
    void shouldReadBackWhatItWrites(@ForAll @IntRange(min = -1) int sawUpTo, @ForAll long large) {
        String owner = UUID.randomUUID().toString();
        for (HandoffMarker marker : List.of(new HandoffMarker.Started(owner), new HandoffMarker.Stopped(owner, sawUpTo),
                new HandoffMarker.Stopped(owner, Math.max(-1, large)))) {
            assertThat(HandoffMarker.parse(marker.encode().getBytes(StandardCharsets.UTF_8))).isEqualTo(marker);
        }
        assertThat(HandoffMarker.parse(("STOPPED " + owner + " 99999999999999999999").getBytes(StandardCharsets.UTF_8)))
                .as("past a long").isInstanceOf(HandoffMarker.Unreadable.class);
        assertThat(HandoffMarker.parse(("STOPPED " + owner + " -2").getBytes(StandardCharsets.UTF_8))).isInstanceOf(HandoffMarker.Unreadable.class);
        assertThat(HandoffMarker.parse(("STARTED " + owner.toUpperCase()).getBytes(StandardCharsets.UTF_8))).isInstanceOf(HandoffMarker.Unreadable.class);
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(60)];
        random.nextBytes(bytes);
        return bytes;
    }
}
