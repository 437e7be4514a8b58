package io.callhook.sip;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static io.callhook.sip.MessageProblem.ADDR_SPEC_HEADERS;
import static io.callhook.sip.MessageProblem.ADDR_SPEC_SPACE;
import static io.callhook.sip.MessageProblem.CONTENT_LENGTH;
import static io.callhook.sip.MessageProblem.CSEQ_METHOD;
import static io.callhook.sip.MessageProblem.DISPLAY_NAME;
import static io.callhook.sip.MessageProblem.DUPLICATE_HEADER;
import static io.callhook.sip.MessageProblem.EMPTY_BRANCH;
import static io.callhook.sip.MessageProblem.MALFORMED_HEADER;
import static io.callhook.sip.MessageProblem.MISSING_HEADER;
import static io.callhook.sip.MessageProblem.PROXY_REQUIRE;
import static io.callhook.sip.MessageProblem.REGISTER_TO;
import static io.callhook.sip.MessageProblem.REQUEST_LINE_SPACING;
import static io.callhook.sip.MessageProblem.REQUEST_URI_HEADERS;
import static io.callhook.sip.MessageProblem.SIP_VERSION;
import static io.callhook.sip.MessageProblem.URI_SCHEME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The verdict on each of RFC 4475's 49 torture messages, parsed as the stack parses them. (What the
 * running proxy does with each, over UDP and TCP, is {@code TortureMessagesIT}'s table.)
 */
class MessageChecksTest {

    /** Where the messages live: they are also the seed corpus of {@link MessageChecksFuzzTest}. */
    static final String TORTURE = "/io/callhook/sip/MessageChecksFuzzTestInputs/parsedLikeTheStack/";

    /** Refused by the RI's parser itself (a mandatory header or the start line does not parse). */
    static final Set<String> REFUSED_BY_THE_PARSER = Set.of("badinv01", "bigcode", "clerr", "ltgtruri", "lwsruri",
            "ncl", "quotbal", "scalar02", "scalarlg");

    /** The verdict on every message the parser accepts; absent = OK. */
    static final Map<String, MessageProblem> PROBLEMS = new TreeMap<>(Map.ofEntries(
            Map.entry("badaspec", ADDR_SPEC_SPACE),         // < sip:t.watson@example.org >
            Map.entry("badbranch", EMPTY_BRANCH),           // branch=z9hG4bK
            Map.entry("baddate", MALFORMED_HEADER),         // Date: … EST (the RI leaves it unparsed)
            Map.entry("baddn", DISPLAY_NAME),               // From: Bell, Alexander <…>
            Map.entry("badvers", SIP_VERSION),              // SIP/7.0 (the stack answers 505 itself)
            Map.entry("bext01", PROXY_REQUIRE),             // Proxy-Require: noProxiesSupportThis, …
            Map.entry("escruri", REQUEST_URI_HEADERS),      // sip:user@example.com?Route=…
            Map.entry("insuf", MISSING_HEADER),             // no From, To, Call-ID (the stack drops it itself)
            Map.entry("inv2543", MISSING_HEADER),           // RFC 2543 INVITE without Contact
            Map.entry("lwsstart", REQUEST_LINE_SPACING),    // INVITE  sip:…  SIP/2.0
            Map.entry("mcl01", DUPLICATE_HEADER),           // Content-Length: 13 … Content-Length: 5
            Map.entry("mismatch01", CSEQ_METHOD),           // OPTIONS with CSeq: 8 INVITE (the stack answers 400 itself)
            Map.entry("mismatch02", CSEQ_METHOD),           // NEWMETHOD with CSeq: 8 INVITE (likewise)
            Map.entry("multi01", DUPLICATE_HEADER),         // two Call-ID, CSeq, From, To, Max-Forwards
            Map.entry("novelsc", URI_SCHEME),               // soap.beep://…
            Map.entry("regbadct", ADDR_SPEC_HEADERS),       // Contact: sip:user@example.com?Route=… without <>
            Map.entry("trws", REQUEST_LINE_SPACING),        // OPTIONS sip:… SIP/2.0<SP><SP>
            Map.entry("unkscm", URI_SCHEME),                // nobodyKnowsThisScheme:…
            Map.entry("unksm2", REGISTER_TO)));             // REGISTER with To: isbn:…

    static byte[] torture(String name) throws IOException {
        try (InputStream in = MessageChecksTest.class.getResourceAsStream(TORTURE + name + ".dat")) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    static Iterable<String> all49() {
        return java.util.List.of("wsinv", "intmeth", "esc01", "escnull", "esc02", "lwsdisp", "longreq", "dblreq",
                "semiuri", "transports", "mpart01", "unreason", "noreason", "badinv01", "clerr", "ncl", "scalar02",
                "scalarlg", "quotbal", "ltgtruri", "lwsruri", "lwsstart", "trws", "escruri", "baddate", "regbadct",
                "badaspec", "baddn", "badvers", "mismatch01", "mismatch02", "bigcode", "badbranch", "insuf",
                "unkscm", "novelsc", "unksm2", "bext01", "invut", "regaut01", "multi01", "mcl01", "bcast", "zeromf",
                "cparam01", "cparam02", "regescrt", "sdp01", "inv2543");
    }

    static Verdict verdict(SIPMessage message) {
        return message instanceof SIPRequest request ? MessageChecks.request(request)
                : MessageChecks.response((SIPResponse) message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("all49")
    void eachTortureMessageGetsTheVerdictRfc4475Expects(String name) throws Exception {
        byte[] bytes = torture(name);
        if (REFUSED_BY_THE_PARSER.contains(name)) {
            assertThatThrownBy(() -> ParsedLikeTheStack.parse(bytes)).as(name).isInstanceOf(ParseException.class);
            return;
        }
        Verdict verdict = verdict(ParsedLikeTheStack.parse(bytes));
        assertThat(verdict.problem()).as(name + ": " + (verdict.ok() ? "OK" : verdict.reasonPhrase()))
                .isEqualTo(PROBLEMS.get(name));
    }

    @Test
    void theTableCoversAll49Messages() {
        assertThat(all49()).hasSize(49).doesNotHaveDuplicates().containsAll(PROBLEMS.keySet())
                .containsAll(REFUSED_BY_THE_PARSER);
    }

    @Test
    void reasonPhrasesNameTheHeaderAndTheStatusFollowsTheRfc() throws Exception {
        Verdict multi = verdict(ParsedLikeTheStack.parse(torture("multi01")));
        assertThat(multi.status()).isEqualTo(400);
        assertThat(multi.reasonPhrase()).isEqualTo("Bad Request - Duplicate header: CSeq");
        assertThat(verdict(ParsedLikeTheStack.parse(torture("unkscm"))).status()).isEqualTo(416);
        assertThat(verdict(ParsedLikeTheStack.parse(torture("bext01"))).status()).isEqualTo(420);
        assertThat(verdict(ParsedLikeTheStack.parse(torture("badvers"))).status()).isEqualTo(505);
        assertThat(verdict(ParsedLikeTheStack.parse(torture("inv2543"))).reasonPhrase())
                .isEqualTo("Bad Request - Missing header: Contact");
    }

    @Test
    void aFourTwentyListsTheProxyRequireOptionTagsForUnsupported() throws Exception {
        SIPRequest bext01 = (SIPRequest) ParsedLikeTheStack.parse(torture("bext01"));
        assertThat(MessageChecks.proxyRequired(bext01))
                .containsExactly("noProxiesSupportThis", "norDoAnyProxiesSupportThis");
    }

    @Test
    void anExtensionMethodKeepsItsCaseInTheCSeqWeForward() throws Exception {
        SIPRequest intmeth = (SIPRequest) ParsedLikeTheStack.parse(torture("intmeth"));
        String forwarded = ((SIPRequest) intmeth.clone()).encode();
        assertThat(forwarded).contains("CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~\r\n");
    }

    @Test
    void aStreamThatEndsBeforeTheBodyIsRefusedThoughTheRiFixesTheLength() throws Exception {
        // over TCP the RI hands over what it got when the peer closes, with a Content-Length to match
        SIPMessage message = ParsedLikeTheStack.parse(sip("OPTIONS", "Content-Length: 5\r\n\r\nhello"));
        assertThat(verdict(message).ok()).isTrue();
        message.setMessageContent("hel".getBytes(StandardCharsets.UTF_8));
        assertThat(verdict(message).problem()).isEqualTo(CONTENT_LENGTH);
        assertThat(verdict(message).reasonPhrase()).isEqualTo("Bad Request - Content-Length mismatch: 5 for 3");
    }

    @Test
    void anSdpBodyPaddedWithNulsByAStreamThatEndedEarlyIsRefused() throws Exception {
        // the RI's TCP parser hands over new byte[Content-Length], filled as far as the peer sent it
        byte[] sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] padded = java.util.Arrays.copyOf(sdp, sdp.length + 20);
        SIPMessage message = ParsedLikeTheStack.parse(sip("INVITE", "Contact: <sip:a@127.0.0.1>\r\n"
                + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length + "\r\n\r\n"
                + new String(sdp, StandardCharsets.UTF_8)));
        assertThat(verdict(message).ok()).isTrue();
        message.setMessageContent(padded);
        ((ParseNotes) message.getApplicationData()).declaredContentLength = padded.length;
        assertThat(verdict(message).problem()).isEqualTo(MessageProblem.SDP_NUL);
    }

    @Test
    void overUdpABodyWithoutContentLengthIsFine() throws Exception {
        assertThat(verdict(ParsedLikeTheStack.parse(sip("MESSAGE", "Content-Type: text/plain\r\n\r\nhello"))).ok())
                .isTrue();
    }

    @Test
    void aDialogCreatingRequestNeedsAContactButAReInviteInsideADialogDoesNot() throws Exception {
        String invite = "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n"
                + "From: <sip:alice@example.com>;tag=a\r\nTo: <sip:bob@example.com>%s\r\nCall-ID: c1\r\n"
                + "CSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        assertThat(verdict(ParsedLikeTheStack.parse(invite.formatted("").getBytes(StandardCharsets.UTF_8)))
                .problem()).isEqualTo(MISSING_HEADER);
        assertThat(verdict(ParsedLikeTheStack.parse(invite.formatted(";tag=b").getBytes(StandardCharsets.UTF_8)))
                .ok()).isTrue();
    }

    @Test
    void cosmeticFaultsInAResponseDoNotDropItButDuplicatedIdentityDoes() throws Exception {
        String response = "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKch1\r\n"
                + "From: Bell, Alexander <sip:a@example.com>;tag=a\r\nTo: <sip:b@example.com>;tag=b\r\n"
                + "Call-ID: c1\r\nCSeq: 1 INVITE\r\n%sContent-Length: 0\r\n\r\n";
        assertThat(verdict(ParsedLikeTheStack.parse(response.formatted("").getBytes(StandardCharsets.UTF_8))).ok())
                .isTrue();
        assertThat(verdict(ParsedLikeTheStack.parse(response.formatted("Call-ID: c2\r\n")
                .getBytes(StandardCharsets.UTF_8))).problem()).isEqualTo(DUPLICATE_HEADER);
    }

    @Test
    void aDetailFromTheWireCannotBreakTheStatusLine() {
        Verdict v = Verdict.of(MALFORMED_HEADER, "X-Evil\r\nInjected: yes" + "x".repeat(100));
        assertThat(v.reasonPhrase()).doesNotContain("\r", "\n").hasSizeLessThanOrEqualTo(
                MALFORMED_HEADER.reasonPhrase.length() + 2 + 40);
    }

    private static byte[] sip(String method, String tail) {
        return (method + " sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n"
                + "From: <sip:alice@example.com>;tag=a\r\nTo: <sip:bob@example.com>\r\nCall-ID: c1\r\n"
                + "CSeq: 1 " + method + "\r\nMax-Forwards: 70\r\n" + tail).getBytes(StandardCharsets.UTF_8);
    }
}
