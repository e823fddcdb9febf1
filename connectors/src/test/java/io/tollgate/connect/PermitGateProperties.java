package io.tollgate.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.HeldPermit;
import io.tollgate.avro.Permit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The gate never lets the vendor see more than the permit's limit in flight: its own calls, plus those a task
 * that had the partition before left under way (counted until their leases end, since nobody will answer
 * them); and a call waits only while the permit is full.
 */
class PermitGateProperties {

    private static final String ACCOUNT = "forms-org";

    @Property(tries = 300)
    void shouldNeverHaveMoreThanTheLimitInFlightAtTheVendorAcrossATakeover(@ForAll @IntRange(min = 1, max = 5) int limit,
            @ForAll @IntRange(min = 0, max = 5) int leftByPredecessor, @ForAll @IntRange(min = 20, max = 200) int calls,
            @ForAll long seed) {
        Random random = new Random(seed);
        long[] now = {1_000_000};
        PermitGate gate = new PermitGate(() -> now[0]);
        // What a task that died left in flight: the vendor may be running each until its lease ends.
        Map<String, Long> predecessor = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(leftByPredecessor, limit); i++) {
            predecessor.put("old-" + i, now[0] + 1 + random.nextInt(5000));
        }
        Map<String, DispatchedCall> running = new LinkedHashMap<>();
        Map<String, DispatchedCall> waiting = new LinkedHashMap<>();
        java.util.Set<String> limiterReleased = new java.util.HashSet<>();
        int sent = 0;
        while (sent < calls || !running.isEmpty() || !waiting.isEmpty()) {
            int action = random.nextInt(4);
            if (action == 3 && !predecessor.isEmpty()) {
                // A predecessor's call comes to this task again and goes back unanswered: the limiter counts it no more,
                // but it may still be under way where it was started.
                String old = new ArrayList<>(predecessor.keySet()).get(random.nextInt(predecessor.size()));
                if (predecessor.get(old) > now[0] && !limiterReleased.contains(old)) {
                    DispatchedCall again = call(old, limit, Map.of());
                    gate.received(again);
                    gate.maybeUnderWayElsewhere(again, predecessor.get(old));
                    limiterReleased.add(old);
                }
            } else if (action == 0 && sent < calls) {
                // The limiter counts in flight what it dispatched and has no result for, up to its prefetch.
                Map<String, Long> held = new HashMap<>();
                predecessor.forEach((id, end) -> {
                    if (end > now[0] && !limiterReleased.contains(id)) {
                        held.put(id, end);
                    }
                });
                running.keySet().forEach(id -> held.put(id, now[0] + 60_000));
                waiting.keySet().forEach(id -> held.put(id, now[0] + 60_000));
                DispatchedCall call = call("new-" + sent++, limit, held);
                gate.received(call);
                PermitGate.Waiter waiter = new PermitGate.Waiter(call, null);
                if (gate.acquireOrQueue(waiter)) {
                    running.put(id(call), call);
                } else {
                    waiting.put(id(call), call);
                }
            } else if (action == 1 && !running.isEmpty()) {
                String done = new ArrayList<>(running.keySet()).get(random.nextInt(running.size()));
                for (PermitGate.Waiter started : gate.release(running.remove(done))) {
                    waiting.remove(id(started.call));
                    running.put(id(started.call), started.call);
                }
            } else {
                now[0] += random.nextInt(400);
                // The scheduler wakes the gate when a predecessor's lease ends.
                for (PermitGate.Waiter started : gate.admitWaiting()) {
                    waiting.remove(id(started.call));
                    running.put(id(started.call), started.call);
                }
            }
            long predecessorAlive = predecessor.values().stream().filter(end -> end > now[0]).count();
            assertThat(running.size() + predecessorAlive).as("in flight at the vendor").isLessThanOrEqualTo(limit);
            if (!waiting.isEmpty()) {
                assertThat(running.size() + predecessorAlive).as("a call waits only while the permit is full").isEqualTo(limit);
            }
        }
    }

    @Example
    void shouldStartTheNextWaitingCallTheMomentOneEndsInTheOrderTheyCame() {
        long[] now = {0};
        PermitGate gate = new PermitGate(() -> now[0]);
        List<DispatchedCall> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            DispatchedCall call = call("c" + i, 2, Map.of());
            gate.received(call);
            calls.add(call);
        }
        assertThat(gate.acquireOrQueue(new PermitGate.Waiter(calls.get(0), null))).isTrue();
        assertThat(gate.acquireOrQueue(new PermitGate.Waiter(calls.get(1), null))).isTrue();
        for (int i = 2; i < 5; i++) {
            assertThat(gate.acquireOrQueue(new PermitGate.Waiter(calls.get(i), null))).isFalse();
        }
        assertThat(gate.release(calls.get(1))).extracting(w -> w.call).containsExactly(calls.get(2));
        assertThat(gate.release(calls.get(0))).extracting(w -> w.call).containsExactly(calls.get(3));
        assertThat(gate.waitingCount()).isEqualTo(1);
        assertThat(gate.inFlight(ACCOUNT, "concurrent-connections", "account:" + ACCOUNT)).isEqualTo(2);
    }

    @Example
    void shouldCountAPredecessorsCallUntilItsLeaseEnds() {
        long[] now = {0};
        PermitGate gate = new PermitGate(() -> now[0]);
        DispatchedCall call = call("mine", 1, Map.of("theirs", 1_000L));
        gate.received(call);
        PermitGate.Waiter waiter = new PermitGate.Waiter(call, null);
        assertThat(gate.acquireOrQueue(waiter)).as("the permit is the dead task's until its lease ends").isFalse();
        assertThat(gate.nextLeaseEnd()).isEqualTo(1_000L);
        now[0] = 999;
        assertThat(gate.admitWaiting()).isEmpty();
        now[0] = 1_000;
        assertThat(gate.admitWaiting()).extracting(w -> w.call).containsExactly(call);
    }

    @Example
    void shouldFreeAPredecessorsPermitAtOnceWhenItsCallHasAResult() {
        long[] now = {0};
        PermitGate gate = new PermitGate(() -> now[0]);
        DispatchedCall call = call("mine", 1, Map.of("theirs", 60_000L));
        gate.received(call);
        assertThat(gate.takeUnchecked()).containsOnlyKeys(ACCOUNT).extractingByKey(ACCOUNT)
                .satisfies(u -> assertThat(u.dispatches()).containsExactly(PermitGate.dispatchOf("theirs", 0)));
        assertThat(gate.takeUnchecked()).as("each is looked for once").isEmpty();
        PermitGate.Waiter waiter = new PermitGate.Waiter(call, null);
        assertThat(gate.acquireOrQueue(waiter)).isFalse();
        gate.finishedElsewhere(ACCOUNT, java.util.Set.of(PermitGate.dispatchOf("theirs", 1)));
        assertThat(gate.admitWaiting()).as("a result of another dispatch of the same call frees nothing").isEmpty();
        gate.finishedElsewhere(ACCOUNT, java.util.Set.of(PermitGate.dispatchOf("theirs", 0)));
        assertThat(gate.admitWaiting()).extracting(w -> w.call).containsExactly(call);
    }

    private static String id(DispatchedCall call) {
        return call.getRequest().getRequestId();
    }

    private static DispatchedCall call(String requestId, long limit, Map<String, Long> held) {
        ApiRequest request = ApiRequest.newBuilder().setRequestId(requestId).setAccount(ACCOUNT).setCredentialRef("forms/forms-org")
                .setAuthKind(AuthKind.API_TOKEN).setIntegration("test").setMethod("GET").setPath("/x").setHeaders(Map.of())
                .setSubmittedAt(Instant.EPOCH).build();
        Permit permit = Permit.newBuilder().setRuleId("concurrent-connections").setSubject("account:" + ACCOUNT).setLimit(limit).setLeaseMs(60_000)
                .setHeld(held.entrySet().stream().map(e -> new HeldPermit(e.getKey(), Instant.ofEpochMilli(e.getValue()))).toList()).build();
        return DispatchedCall.newBuilder().setRequest(request).setDecidedAt(Instant.EPOCH).setExecuteAt(Instant.EPOCH)
                .setExpiresAt(Instant.EPOCH).setPermits(List.of(permit)).build();
    }
}
