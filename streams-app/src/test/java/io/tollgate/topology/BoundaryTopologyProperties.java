package io.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.Outcome;
import io.tollgate.avro.RejectedCall;
import io.tollgate.intake.Hostile;
import io.tollgate.intake.HostileRequests;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The whole topology against hostile input. Requests: any bytes, JSON or Avro value, followed by a good
 * request, each end exactly once (dispatched or rejected with a reason) and nothing is set aside as an
 * internal error. Results: a result with any field out of place is refused or applied, never thrown on,
 * and the next request of the account is decided as usual.
 */
class BoundaryTopologyProperties {

    private static final String POLICY = """
            policies:
              - id: p
                rules:
                  - {id: burst, key: credential, slidingWindow: {limit: 100000, window: 2s}}
                  - {id: permits, key: account, concurrency: {limit: 100000, lease: 60s}}
            accounts: [{id: acme, policy: p}]
            """;

    private static TopologyFixture fx;
    private static byte[] schemaHeader;
    private static int round;

    @BeforeContainer
    static void start() throws Exception {
        fx = TopologyFixture.with().defaultPolicy("p").start();
        fx.seed(POLICY);
        schemaHeader = Arrays.copyOf(fx.values.serialize("tollgate.requests", HostileRequests.valid().build()), 5);
    }

    @AfterContainer
    static void stop() throws Exception {
        fx.close();
    }

    @Property(tries = 150)
    void shouldEndEveryRequestExactlyOnceAndDecideTheNextOne(@ForAll("hostileRecords") List<byte[]> hostile) {
        int before = fx.dispatched().size() + fx.rejected().size();
        String good = "good-" + round++;
        hostile.forEach(bytes -> fx.sendRaw("acme", bytes));
        fx.send(TopologyFixture.request(good).setSubmittedAt(fx.now()).build());

        List<DispatchedCall> dispatched = fx.dispatched();
        List<RejectedCall> rejected = fx.rejected();
        assertThat(dispatched.size() + rejected.size() - before).as("one output per input").isEqualTo(hostile.size() + 1);
        assertThat(dispatched.get(dispatched.size() - 1).getRequest().getRequestId()).isEqualTo(good);
        assertThat(rejected).extracting(RejectedCall::getReason).doesNotContain("INTERNAL_ERROR");
        assertThat(rejected).allSatisfy(r -> assertThat(r.toString()).doesNotContain(HostileRequests.SECRET));
        assertThat(fx.delayed()).isEmpty();
    }

    @Property(tries = 150)
    void shouldApplyOrRefuseAnyResultAndDecideTheNextRequest(@ForAll("resultChanges") List<Consumer<DispatchResult>> changes) {
        // A credential of its own each round: a result may pause or block its credential, and that is not the question here.
        String id = "call-" + round++;
        fx.send(TopologyFixture.request(id).setCredentialRef("cred-" + id).setSubmittedAt(fx.now()).build());
        List<DispatchedCall> sent = fx.dispatched();
        DispatchedCall call = sent.get(sent.size() - 1);
        DispatchResult result = DispatchResult.newBuilder()
                .setRequestId(id).setAccount("acme").setCredentialRef(call.getRequest().getCredentialRef())
                .setOutcome(Outcome.SUCCESS).setStatus(200).setLatencyMs(10).setHeaders(new LinkedHashMap<>())
                .setExecuteAt(call.getExecuteAt()).setExecutedAt(call.getExecuteAt()).setAttempt(call.getAttempt())
                .setRequest(ApiRequest.newBuilder(call.getRequest()).build()).setCharges(new ArrayList<>(call.getCharges())).build();
        changes.forEach(c -> c.accept(result));
        int rejectedBefore = fx.rejected().size();

        fx.result(result);
        fx.advance(50);
        String next = "after-" + id;
        fx.send(TopologyFixture.request(next).setCredentialRef("cred-" + next).setSubmittedAt(fx.now()).build());

        List<DispatchedCall> after = fx.dispatched();
        assertThat(after.stream().map(d -> d.getRequest().getRequestId())).contains(next);
        assertThat(fx.rejected().subList(rejectedBefore, fx.rejected().size())).extracting(RejectedCall::getReason)
                .allMatch(reason -> List.of("UNDECODABLE_RESULT", "ATTEMPTS_EXHAUSTED", "WAIT_EXCEEDS_MAX").contains(reason));
        assertThat(fx.metrics.count("tollgate_internal_errors_total", "")).isZero();
        fx.advance(3000);
    }

    @Provide
    Arbitrary<List<byte[]>> hostileRecords() {
        Arbitrary<byte[]> one = Arbitraries.oneOf(HostileRequests.json(),
                HostileRequests.avro().map(r -> fx.values.serialize("tollgate.requests", r)),
                HostileRequests.bytes(schemaHeader, r -> fx.values.serialize("tollgate.requests", r)));
        return one.list().ofMinSize(1).ofMaxSize(5);
    }

    @Provide
    Arbitrary<List<Consumer<DispatchResult>>> resultChanges() {
        Arbitrary<Consumer<DispatchResult>> change = Arbitraries.oneOf(
                Arbitraries.of(Outcome.values()).map(v -> r -> r.setOutcome(v)),
                Hostile.ints().map(v -> r -> r.setStatus(v)),
                Hostile.ints().map(v -> r -> r.setAttempt(v)),
                Hostile.longs().map(v -> r -> r.setLatencyMs(v)),
                Hostile.instants().map(v -> r -> r.setExecutedAt(v)),
                Hostile.instants().map(v -> r -> r.setExecuteAt(v)),
                Arbitraries.of(true, false).map(v -> r -> r.setSent(v)),
                Hostile.strings().map(v -> r -> r.setBodyExcerpt(v)),
                Hostile.strings().map(v -> r -> r.setCredentialRef(v)),
                Hostile.strings().map(v -> r -> r.setRequestId(v)),
                Arbitraries.maps(Arbitraries.of("retry-after", "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-limit"),
                        Hostile.strings()).ofMaxSize(4).map(v -> r -> r.setHeaders(new LinkedHashMap<>(v))),
                Hostile.longs().map(v -> r -> r.getCharges().forEach(c -> c.setUnits(v))),
                Hostile.longs().map(v -> r -> r.getCharges().forEach(c -> c.setRemaining(v))),
                Hostile.strings().map(v -> r -> r.getCharges().forEach(c -> c.setRuleId(v))),
                Hostile.instants().map(v -> r -> r.getCharges().forEach(c -> c.setResetAt(v))),
                Hostile.strings().map(v -> r -> r.getRequest().setPath(v)),
                Hostile.bytes().map(v -> r -> r.getRequest().setBody(ByteBuffer.wrap(v))),
                Arbitraries.just(r -> r.getRequest().setSubmittedAt(Instant.ofEpochMilli(Long.MAX_VALUE))));
        return change.list().ofMaxSize(3);
    }
}
