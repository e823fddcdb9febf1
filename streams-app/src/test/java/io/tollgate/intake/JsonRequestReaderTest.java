package io.tollgate.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.limiter.RejectReason;
import io.tollgate.schemas.request.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonRequestReaderTest {

    @Test
    void shouldSayTheRangeWhenAWholeNumberIsTooLargeForItsField() {
        byte[] json = """
                {"request_id":"r","account":"acme","credential_ref":"c","auth_kind":"API_TOKEN","integration":"i",
                 "method":"GET","path":"/x","api_version":"v1","cost":9223372036854775807}
                """.getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> JsonRequestReader.read(json))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code())
                        .isEqualTo(RejectReason.INVALID_REQUEST))
                .hasMessage("field 'cost' must be a whole number from -2147483648 to 2147483647, got '9223372036854775807'");
    }
}
