package io.tollgate.topology;

import static io.tollgate.topology.TopologyFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.avro.policy.Account;
import io.tollgate.avro.policy.Policy;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.policy.PolicyFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An account without a time zone is never counted in UTC by a rule that counts days in the account's
 * zone: its record is refused when its policy is in force, and its calls are refused otherwise.
 */
class AccountTimeZoneTopologyTest {

    private static final Policy FORMS = PolicyFile.load("classpath:presets/forms-platform.yaml", LimiterSettings.DEFAULTS).policies().get(0);

    private TopologyFixture fx;

    @BeforeEach
    void startFixture() throws Exception {
        fx = TopologyFixture.start();
    }

    @AfterEach
    void close() throws Exception {
        fx.close();
    }

    private static Account account(String zone) {
        return Account.newBuilder().setId("acme").setPolicyId(FORMS.getId()).setTimeZone(zone).build();
    }

    @Test
    void shouldRefuseTheAccountRecordWhenItsPolicyCountsDaysInTheAccountsZone() throws Exception {
        fx.putPolicy(FORMS);

        fx.putAccount(account(null));
        fx.send(request("a").setPath("/api/sources").setApiVersion(null).build());

        assertThat(fx.rejected()).first().satisfies(r -> {
            assertThat(r.getReason()).isEqualTo("INVALID_ACCOUNT");
            assertThat(r.getDetail()).contains("timeZone").contains("daily-calls");
        });
        assertThat(fx.rejected()).last().satisfies(r -> assertThat(r.getReason()).isEqualTo("UNKNOWN_ACCOUNT"));
        assertThat(fx.dispatched()).isEmpty();

        fx.putAccount(account("Australia/Sydney"));
        fx.send(request("b").setPath("/api/sources").setApiVersion(null).build());
        assertThat(fx.dispatchedIds()).containsExactly("b");
    }

    @Test
    void shouldRefuseTheCallsOfAnAccountWithoutAZoneThatCameBeforeItsPolicy() throws Exception {
        fx.putAccount(account(null));
        fx.putPolicy(FORMS);

        fx.send(request("a").setPath("/api/sources").setApiVersion(null).build());

        assertThat(fx.dispatched()).isEmpty();
        assertThat(fx.rejected()).singleElement().satisfies(r -> {
            assertThat(r.getReason()).isEqualTo("INVALID_ACCOUNT");
            assertThat(r.getDetail()).contains("has no timeZone");
        });
    }
}
