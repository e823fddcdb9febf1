package io.tollgate.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccessTest {

    @Test
    void shouldLetInOnlyTheConfiguredBearerToken() {
        Access access = Access.bearer("s3cret");

        assertThat(access.allows(null)).isFalse();
        assertThat(access.allows("Bearer wrong")).isFalse();
        assertThat(access.allows("Basic czNjcmV0")).isFalse();
        assertThat(access.allows("Bearer s3cret")).isTrue();
        assertThat(access.allows("bearer s3cret")).isTrue();
    }

    @Test
    void shouldBeOpenWhenNoTokenIsConfigured() {
        assertThat(Access.bearer("").allows(null)).isTrue();
        assertThat(Access.open().allows("Bearer anything")).isTrue();
    }
}
