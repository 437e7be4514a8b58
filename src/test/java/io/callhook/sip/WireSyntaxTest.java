package io.callhook.sip;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class WireSyntaxTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aRequestLineHasExactlyOneSpaceBetweenItsThreeParts() {
        assertThat(WireSyntax.badRequestLineSpacing(bytes("INVITE sip:a@b SIP/2.0\r\nVia: x\r\n"))).isFalse();
        assertThat(WireSyntax.badRequestLineSpacing(bytes("\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\n"))).isFalse();
        assertThat(WireSyntax.badRequestLineSpacing(bytes("INVITE  sip:a@b  SIP/2.0\r\n"))).isTrue();
        assertThat(WireSyntax.badRequestLineSpacing(bytes("OPTIONS sip:a@b SIP/2.0  \r\n"))).isTrue();
        assertThat(WireSyntax.badRequestLineSpacing(bytes(" OPTIONS sip:a@b SIP/2.0\r\n"))).isTrue();
        assertThat(WireSyntax.badRequestLineSpacing(bytes("OPTIONS\tsip:a@b SIP/2.0\r\n"))).isTrue();
        assertThat(WireSyntax.badRequestLineSpacing(bytes("OPTIONS sip:a@b; lr SIP/2.0\r\n"))).isTrue();
        assertThat(WireSyntax.badRequestLineSpacing(bytes(""))).isTrue();
    }

    @Test
    void theVersionIsTheLastTokenOfTheFirstLine() {
        assertThat(WireSyntax.requestLineVersion(bytes("OPTIONS sip:a@b SIP/7.0\r\n"))).isEqualTo("SIP/7.0");
        assertThat(WireSyntax.requestLineVersion(bytes("OPTIONS sip:a@b SIP/2.0  \r\n"))).isEqualTo("SIP/2.0");
        assertThat(WireSyntax.requestLineVersion(bytes("OPTIONS"))).isNull();
        assertThat(WireSyntax.requestLineVersion(bytes(""))).isNull();
    }

    @Test
    void headerNamesAreFoundInLongAndCompactFormOnly() {
        assertThat(WireSyntax.headerName("Call-ID: x")).isEqualTo(WireSyntax.Name.CALL_ID);
        assertThat(WireSyntax.headerName("i : x")).isEqualTo(WireSyntax.Name.CALL_ID);
        assertThat(WireSyntax.headerName("CONTENT-LENGTH:0")).isEqualTo(WireSyntax.Name.CONTENT_LENGTH);
        assertThat(WireSyntax.headerName("m: <sip:a@b>")).isEqualTo(WireSyntax.Name.CONTACT);
        assertThat(WireSyntax.headerName("Via: x")).isNull();
        assertThat(WireSyntax.headerName("Contact-Me: x")).isNull();
        assertThat(WireSyntax.headerName("To")).isNull();
        assertThat(WireSyntax.headerName("")).isNull();
    }

    @Test
    void displayNamesAreQuotedOrTokens() {
        assertThat(WireSyntax.addressProblem("From: Bell, Alexander <sip:a@b>;tag=1", false))
                .isEqualTo(MessageProblem.DISPLAY_NAME);
        assertThat(WireSyntax.addressProblem("From: \"Bell, Alexander\" <sip:a@b>;tag=1", false)).isNull();
        assertThat(WireSyntax.addressProblem("From: token1~` token2'+_ token3*%!.- <sip:a@b>", false)).isNull();
        assertThat(WireSyntax.addressProblem("To: \"a \\\" <b>\" <sip:a@b>", false)).isNull();
        assertThat(WireSyntax.addressProblem("To: sip:a@b;tag=x", false)).isNull();
        assertThat(WireSyntax.addressProblem("f: caller<sip:caller@example.com>;tag=323", false)).isNull();
    }

    @Test
    void anAddrSpecInBracketsHasNoSpaceAtEitherEnd() {
        assertThat(WireSyntax.addressProblem("To: \"Watson, Thomas\" < sip:t@example.org >", false))
                .isEqualTo(MessageProblem.ADDR_SPEC_SPACE);
        assertThat(WireSyntax.addressProblem("To: <sip:t@example.org >", false))
                .isEqualTo(MessageProblem.ADDR_SPEC_SPACE);
        assertThat(WireSyntax.addressProblem("To: <sip:t@example.org>", false)).isNull();
    }

    @Test
    void contactValuesAreCheckedOneByOne() {
        assertThat(WireSyntax.addressProblem("Contact: sip:a@b, \"X\" <sip:c@d>;q=0.5, <sip:e@f>", true)).isNull();
        assertThat(WireSyntax.addressProblem("Contact: sip:a@b;x=\"p,q\", B@d Name <sip:c@d>", true))
                .isEqualTo(MessageProblem.DISPLAY_NAME);
        assertThat(WireSyntax.addressProblem("Contact: *", true)).isNull();
    }

    @Test
    void truncatedInputEndsTheScanWithoutAVerdict() {
        assertThat(WireSyntax.addressProblem("To: \"unterminated <sip:a@b>", false)).isNull();
        assertThat(WireSyntax.addressProblem("To: <sip:a@b", false)).isNull();
        assertThat(WireSyntax.addressProblem("To: \"x\\", false)).isNull();
        assertThat(WireSyntax.addressProblem("no colon", false)).isNull();
    }
}
