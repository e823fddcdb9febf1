package io.tollgate.topology;

import static io.tollgate.topology.TopologyFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.DispatchedCall;
import io.tollgate.avro.RejectedCall;
import io.tollgate.avro.policy.Policy;
import io.tollgate.avro.policy.SlidingWindow;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.policy.PolicyFile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One bad record must never stop anyone else: each hostile input ends in {@code rejected} with its
 * reason, and the records after it are decided as usual.
 */
class HostileInputTopologyTest {

    private static final String POLICY = """
            policies:
              - id: p
                rules:
                  - {id: burst, key: credential, slidingWindow: {limit: 100, window: 2s}}
                  - {id: search, key: credential, match: {paths: ["/v1/deals/search"]}, slidingWindow: {limit: 1, window: 2s}}
            accounts:
              - {id: acme, policy: p}
            """;

    private TopologyFixture fx;

    @BeforeEach
    void startFixture() throws Exception {
        fx = TopologyFixture.start();
    }

    @AfterEach
    void close() throws Exception {
        fx.close();
    }

    private void sendJson(String id, String extra) {
        fx.sendRaw("acme", ("{\"request_id\":\"" + id + "\",\"account\":\"acme\",\"credential_ref\":\"pipedrive/acme-main\","
                + "\"auth_kind\":\"API_TOKEN\",\"integration\":\"demo\"," + extra + "}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRejectAFarFutureDeadlineAndDecideEveryRequestAfterIt() throws Exception {
        fx.seed(POLICY);

        // The record of the issue: its deadline does not fit in epoch milliseconds, and it used to stop the app.
        sendJson("c1-1", "\"method\":\"GET\",\"path\":\"/api/v2/deals/1\",\"api_version\":\"v2\",\"deadline\":\"+300000000-01-01T00:00:00Z\"");
        sendJson("c1-2", "\"method\":\"GET\",\"path\":\"/api/v2/deals/1\",\"submitted_at\":\"+300000000-01-01T00:00:00Z\"");
        sendJson("c1-3", "\"method\":\"GET\",\"path\":\"/api/v2/deals/1\",\"deadline\":-9223372036854775808");
        sendJson("c1-4", "\"method\":\"GET\",\"path\":\"/api/v2/deals/1\",\"deadline\":99999999999999999999999");
        fx.send(request("good-1").build());
        fx.send(request("good-2").build());

        assertThat(fx.rejected()).extracting(RejectedCall::getRequestId).containsExactly("c1-1", "c1-2", "c1-3", "c1-4");
        assertThat(fx.rejected()).extracting(RejectedCall::getReason).containsOnly("INVALID_REQUEST");
        assertThat(fx.rejected().get(0).getDetail()).contains("'deadline' must be between 1970-01-01T00:00:00Z and 9999-12-31");
        assertThat(fx.rejected().get(1).getDetail()).contains("'submitted_at' must be between");
        assertThat(fx.rejected().get(3).getDetail()).contains("'deadline' must be an ISO-8601 instant");
        assertThat(fx.dispatchedIds()).containsExactly("good-1", "good-2");
    }

    @Test
    void shouldNeverCopyARequestThatCarriesASecretWhateverElseIsWrongWithIt() throws Exception {
        fx.seed(POLICY);
        String secret = "s3cr3t-t0ken-never-copied";

        sendJson("fetch", "\"method\":\"FETCH\",\"path\":\"/api/v1/deals?api_token=" + secret + "\"");
        sendJson("fragment", "\"method\":\"GET\",\"path\":\"/api/v1/deals#api_token=" + secret + "\"");
        sendJson("encoded", "\"method\":\"GET\",\"path\":\"/api/v1/deals?api%5Ftoken=" + secret + "\"");
        sendJson("header", "\"method\":\"GET\",\"path\":\"/v1/deals\",\"cost\":0,\"headers\":{\"X-Api-Token\":\"" + secret + "\"}");
        sendJson("newline", "\"method\":\"GET\",\"path\":\"/v1/deals\",\"headers\":{\"X-Custom\":\"" + secret + "\\r\\n\"}");

        List<RejectedCall> rejected = fx.rejected();
        assertThat(rejected).extracting(RejectedCall::getReason)
                .containsExactly("SECRET_IN_REQUEST", "SECRET_IN_REQUEST", "SECRET_IN_REQUEST", "SECRET_IN_REQUEST", "INVALID_REQUEST");
        assertThat(rejected).allSatisfy(r -> assertThat(r.toString()).doesNotContain(secret));
        assertThat(rejected.subList(0, 4)).allSatisfy(r -> assertThat(r.getRequest()).isNull());
        assertThat(rejected.get(4).getDetail()).contains("header 'X-Custom' holds a character an HTTP header may not hold");
    }

    @Test
    void shouldNormalisePathsSoThatRulesMatchWhatTheVendorReads() throws Exception {
        fx.seed(POLICY);

        fx.send(request("plain").setPath("/v1/deals/search?term=x").build());
        fx.send(request("dot").setPath("/v1/./deals/search?term=x").build());
        fx.send(request("encoded-letters").setPath("/v1/%64eals/search").build());
        fx.send(request("climbing").setPath("/v1/persons/../deals/search").build());
        fx.send(request("encoded-slash").setPath("/v1/deals%2Fsearch").build());
        fx.send(request("fragment").setPath("/v1/deals/search#x").build());

        assertThat(fx.dispatched()).singleElement().satisfies(d -> assertThat(d.getRequest().getPath()).isEqualTo("/v1/deals/search?term=x"));
        assertThat(fx.delayed()).extracting(d -> d.getRequest().getRequestId()).containsExactly("dot", "encoded-letters", "climbing");
        assertThat(fx.delayed()).allSatisfy(d -> assertThat(d.getRequest().getPath()).startsWith("/v1/deals/search"));
        assertThat(fx.rejected()).extracting(RejectedCall::getRequestId).containsExactly("encoded-slash", "fragment");
        assertThat(fx.rejected().get(0).getDetail()).contains("encoded '/'");
        assertThat(fx.rejected().get(1).getDetail()).contains("must not hold '#'");
    }

    @Test
    void shouldRefuseACostOfZeroInsteadOfSendingTheCallForFree() throws Exception {
        fx.seed(POLICY);

        fx.send(request("free").setCost(0).build());

        assertThat(fx.dispatched()).isEmpty();
        assertThat(fx.rejected()).singleElement().satisfies(r -> assertThat(r.getDetail()).contains("cost must be between 1 and"));
    }

    @Test
    void shouldAcceptTheSameRequestIdAgainOnceItsAccountExists() throws Exception {
        fx.seed(POLICY);

        fx.send(request("early").setAccount("newcomer").build());
        fx.seed("""
                include: [all.yaml]
                accounts:
                  - {id: newcomer, policy: pipedrive, plan: growth}
                """);
        fx.send(request("early").setAccount("newcomer").setPath("/api/v2/deals/1").setApiVersion("v2").build());

        assertThat(fx.rejected()).singleElement().satisfies(r -> assertThat(r.getReason()).isEqualTo("UNKNOWN_ACCOUNT"));
        assertThat(fx.dispatchedIds()).containsExactly("early");
    }

    @Test
    void shouldSetAsideWhatFailsInAWayNoValidationForesawAndGoOn() throws Exception {
        fx.close();
        fx = TopologyFixture.with().faults(new TopologyFixture.Faults(
                value -> value instanceof DispatchedCall d && d.getRequest().getRequestId().equals("unwritable"),
                bytes -> new String(bytes, StandardCharsets.ISO_8859_1).contains("unreadable"))).start();
        fx.seed(POLICY);

        fx.send(request("unwritable").build());
        fx.send(request("unreadable").build());
        IntStream.range(0, 3).forEach(i -> fx.send(request("fine-" + i).build()));

        assertThat(fx.dispatchedIds()).containsExactly("fine-0", "fine-1", "fine-2");
        assertThat(fx.rejected()).extracting(RejectedCall::getReason).containsExactly("INTERNAL_ERROR", "INTERNAL_ERROR");
        assertThat(fx.rejected().get(0).getRequestId()).isEqualTo("unwritable");
        assertThat(fx.rejected().get(0).getDetail()).isEqualTo("java.lang.ArithmeticException writing DispatchedCall to tollgate.dispatch");
        assertThat(fx.rejected().get(1).getDetail()).startsWith("java.lang.IllegalStateException in intake");
        assertThat(fx.rejected().get(1).getSource().getTopic()).isEqualTo("tollgate.requests");
        assertThat(fx.metrics.count("tollgate_internal_errors_total", "")).isEqualTo(2);
    }

    @Test
    void shouldKeepThePolicyInForceWhenOnlyAnInvalidVersionIsLeftToRestoreFrom() throws Exception {
        Policy valid = PolicyFile.parse(POLICY, "", LimiterSettings.DEFAULTS).policies().get(0);
        Policy broken = Policy.newBuilder(valid).build();
        ((SlidingWindow) broken.getRules().get(0).getLimit()).setWindowMs(-5);
        // What a new instance finds after compaction: the in-force topic holds the last valid version, and
        // the policies topic only the invalid record that came after it.
        fx.policiesInForce.pipeInput("p", fx.values.serialize(TopologyFixture.TOPICS.policiesInForce(), valid), fx.now());
        fx.putPolicy(broken);
        fx.putAccount(PolicyFile.parse(POLICY, "", LimiterSettings.DEFAULTS).accounts().get(0));

        IntStream.range(0, 3).forEach(i -> fx.send(request("r" + i).build()));

        assertThat(fx.dispatchedIds()).containsExactly("r0", "r1", "r2");
        assertThat(fx.rejected()).singleElement().satisfies(r -> {
            assertThat(r.getReason()).isEqualTo("INVALID_POLICY");
            assertThat(r.getDetail()).contains("the version in force stays").contains("slidingWindow.window");
            assertThat(r.getSource().getTopic()).isEqualTo("tollgate.policies");
        });
        assertThat(fx.metrics.count("tollgate_policy_refused_total", "")).isEqualTo(1);
    }
}
