package io.callhook.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class SipUriTest {

    @Test
    void parametersHeadersAndPasswordAreDroppedAndTheHostIsLowerCased() {
        assertThat(SipUri.parse("<SIP:Alice:secret@Example.COM:5062;transport=tcp?subject=hi>"))
                .contains(new SipUri("sip", "Alice", "example.com", 5062));
    }

    @Test
    void aUriWithoutUserOrPortKeepsThemAbsent() {
        assertThat(SipUri.parse("sip:127.0.0.1")).contains(new SipUri("sip", null, "127.0.0.1", -1));
        assertThat(SipUri.parse("sips:[2001:DB8::1]:5061")).contains(new SipUri("sips", null, "[2001:db8::1]", 5061));
    }

    @Test
    void escapedUserPartsAreDecoded() {
        assertThat(SipUri.parse("sip:%2B358942721234@example.com").orElseThrow().user()).isEqualTo("+358942721234");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tel:+358942721234", "http://example.com", "sip:", "sip:@example.com",
            "sip:alice@", "sip:alice@example.com:0", "sip:alice@example.com:99999", "alice@example.com",
            "sip:alice@exa mple.com", "sip:a@[::1"})
    void anythingElseIsNotASipUri(String text) {
        assertThat(SipUri.parse(text)).isEmpty();
    }
}
