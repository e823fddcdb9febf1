package io.tollgate.topology;

import static io.tollgate.topology.TopologyFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.RejectedCall;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input at the door: each kind gets its reason, secrets go no further, and the app keeps going. */
class IntakeTopologyTest {

    private static final String POLICY = """
            policies:
              - id: p
                rules:
                  - {id: burst, key: credential, slidingWindow: {limit: 100, window: 2s}}
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

    @Test
    void shouldRefuseSecretsWithoutCopyingThemAnywhere() throws Exception {
        fx.seed(POLICY);
        String secret = "sk_live_do_not_leak_42";

        fx.send(request("h").setHeaders(Map.of("Authorization", "Bearer " + secret)).build());
        fx.send(request("q").setPath("/v1/deals?api_token=" + secret).build());

        List<RejectedCall> rejected = fx.rejected();
        assertThat(rejected).extracting(RejectedCall::getReason).containsExactly("SECRET_IN_REQUEST", "SECRET_IN_REQUEST");
        assertThat(rejected).allSatisfy(r -> {
            assertThat(r.getRequest()).isNull();
            assertThat(r.getRequestId()).isNotNull();
            assertThat(r.toString()).doesNotContain(secret);
        });
        assertThat(fx.dispatched()).isEmpty();
        assertThat(fx.delayed()).isEmpty();
    }

    @Test
    void shouldRejectDuplicateRequestIdsAndRecordsKeyedByAnotherAccount() throws Exception {
        fx.seed(POLICY);

        fx.send(request("same").build());
        fx.send(request("same").setPath("/v1/deals/2").build());
        fx.requests.pipeInput("other-account", fx.values.serialize("tollgate.requests", request("k").build()), fx.now());
        fx.requests.pipeInput(null, fx.values.serialize("tollgate.requests", request("nokey").build()), fx.now());

        assertThat(fx.dispatchedIds()).containsExactly("same");
        assertThat(fx.rejected()).extracting(RejectedCall::getReason).containsExactly("DUPLICATE_REQUEST", "KEY_MISMATCH", "KEY_MISMATCH");
        assertThat(fx.rejected().get(1).getDetail()).contains("the record key must be the account id 'acme', got 'other-account'");
    }

    @Test
    void shouldRejectUnknownSchemaIdsOversizedRecordsAndTombstones() throws Exception {
        fx.seed(POLICY);

        fx.sendRaw("acme", new byte[] {0, 0, 0, 0x30, 0x39, 2, 4});
        fx.sendRaw("acme", new byte[128 * 1024]);
        fx.sendRaw("acme", null);
        fx.send(request("fine").build());

        assertThat(fx.rejected()).extracting(RejectedCall::getReason).containsExactly("UNKNOWN_SCHEMA", "OVERSIZED", "UNDECODABLE");
        assertThat(fx.rejected().get(0).getDetail()).contains("12345");
        assertThat(fx.dispatchedIds()).containsExactly("fine");
    }

    @Test
    void shouldRejectUnknownAccountsUnlessADefaultPolicyIsConfigured() throws Exception {
        fx.seed(POLICY);
        fx.send(request("x").setAccount("stranger").build());
        assertThat(fx.rejected()).extracting(RejectedCall::getReason).containsExactly("UNKNOWN_ACCOUNT");
        assertThat(fx.rejected().get(0).getDetail()).contains("no default.policy is configured");
        fx.close();

        fx = TopologyFixture.with().defaultPolicy("p").start();
        fx.seed(POLICY);
        fx.send(request("y").setAccount("stranger").build());
        assertThat(fx.dispatchedIds()).containsExactly("y");
    }

    @Test
    void shouldAcceptJsonFromScriptsWithIsoTimesAndAnyBody() throws Exception {
        fx.seed(POLICY);
        String json = """
                {"request_id": "kcat-1", "account": "acme", "credential_ref": "pipedrive/acme", "auth_kind": "OAUTH",
                 "integration": "script", "method": "post", "path": "/api/v2/deals", "api_version": "v2",
                 "priority": 5, "deadline": "2026-11-23T11:00:00Z", "body": {"title": "Deal"},
                 "headers": {"content-type": "application/json"}}
                """;

        fx.requests.pipeInput("acme", json.getBytes(StandardCharsets.UTF_8), fx.now());

        assertThat(fx.dispatched()).singleElement().satisfies(d -> {
            assertThat(d.getRequest().getMethod()).isEqualTo("POST");
            assertThat(d.getRequest().getPriority()).isEqualTo(5);
            assertThat(d.getRequest().getDeadline()).isEqualTo(java.time.Instant.parse("2026-11-23T11:00:00Z"));
            assertThat(StandardCharsets.UTF_8.decode(d.getRequest().getBody()).toString()).isEqualTo("{\"title\":\"Deal\"}");
        });
    }
}
