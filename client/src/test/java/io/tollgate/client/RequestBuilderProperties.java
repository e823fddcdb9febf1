package io.tollgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.AuthKind;
import io.tollgate.limiter.RejectReason;
import io.tollgate.schemas.request.InvalidRequestException;
import io.tollgate.schemas.request.RequestValidator;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The builder refuses what the intake refuses, with the intake's reason, and never fails any other way. */
class RequestBuilderProperties {

    @Property(tries = 2000)
    void shouldBuildOnlyWhatTheIntakeAcceptsAndRefuseTheRestWithAReason(@ForAll("hostile") String account,
            @ForAll("hostile") String credential, @ForAll("hostile") String integration, @ForAll("hostile") String method,
            @ForAll("hostile") String path, @ForAll("hostile") String headerName, @ForAll("hostile") String headerValue,
            @ForAll int priority, @ForAll int cost) {
        RequestBuilder builder = TollgateClient.request(account, credential, AuthKind.API_TOKEN).integration(integration)
                .call(method, path).header(headerName, headerValue).priority(priority).cost(cost);
        try {
            ApiRequest built = builder.build();
            assertThat(RequestValidator.accept(RequestBuilder.copyOf(built))).as("the intake accepts it as it is").isEqualTo(built);
            assertThat(built.getSubmittedAt()).isBetween(RequestValidator.EARLIEST, RequestValidator.LATEST);
        } catch (InvalidRequestException e) {
            assertThat(e.code()).isIn(RejectReason.INVALID_REQUEST, RejectReason.SECRET_IN_REQUEST);
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(400);
        }
    }

    @Provide
    Arbitrary<String> hostile() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().all().ofMaxLength(300),
                Arbitraries.strings().alpha().numeric().withChars("/-_.%?=&").ofMinLength(1).ofMaxLength(40).map(s -> "/" + s),
                Arbitraries.of("GET", "post", "Authorization", "api_token", "/a?api_token=x", "/../x", "\r\n", "x\u0000y", "\uD800",
                        "X-Tollgate-Attempt", "Host", "a".repeat(10_000)),
                Arbitraries.just(null));
    }

    @Example
    void shouldHandTheIntakesFormOfAGoodRequest() {
        ApiRequest built = TollgateClient.request("acme", "pipedrive/acme-main", AuthKind.API_TOKEN).integration("crm-sync")
                .call("get", "/api/v2/./deals/%31").header("Accept", "application/json").deadline(Instant.parse("2030-01-01T00:00:00.123456Z"))
                .build();
        assertThat(built.getMethod()).isEqualTo("GET");
        assertThat(built.getPath()).isEqualTo("/api/v2/deals/1");
        assertThat(built.getRequestId()).isNotBlank();
        assertThat(built.getDeadline()).isEqualTo(Instant.parse("2030-01-01T00:00:00.123Z"));
        assertThat(built.getHeaders()).containsEntry("Accept", "application/json");
    }

    @Example
    void shouldRefuseACredentialInAHeaderOrTheQueryAsASecret() {
        assertThatThrownBy(() -> TollgateClient.request("acme", "pipedrive/acme-main", AuthKind.API_TOKEN).integration("crm-sync")
                .get("/api/v2/deals").header("X-Api-Key", "s3cret").build())
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.code()).isEqualTo(RejectReason.SECRET_IN_REQUEST);
                    assertThat(e.getMessage()).doesNotContain("s3cret");
                });
        assertThatThrownBy(() -> TollgateClient.request("acme", "pipedrive/acme-main", AuthKind.API_TOKEN).integration("crm-sync")
                .get("/api/v2/deals?api_token=s3cret").build())
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo(RejectReason.SECRET_IN_REQUEST));
    }

    @Example
    void shouldNameTheMissingField() {
        assertThatThrownBy(() -> TollgateClient.request("acme", "pipedrive/acme-main", AuthKind.API_TOKEN).get("/api/v2/deals").build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("integration");
        assertThatThrownBy(() -> TollgateClient.request("acme", "pipedrive/acme-main", AuthKind.API_TOKEN).integration("x").build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("get(path)");
        assertThatThrownBy(() -> TollgateClient.request("acme", "pipedrive/acme-main", null).integration("x").get("/a").build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("auth_kind");
    }
}
