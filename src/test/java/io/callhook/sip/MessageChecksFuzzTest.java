package io.callhook.sip;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import gov.nist.javax.sip.header.MaxForwards;
import gov.nist.javax.sip.message.MessageFactoryImpl;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;

import javax.sip.message.Request;
import javax.sip.message.Response;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Any bytes through the stack's parser ({@link ParsedLikeTheStack}: {@link NotingMessageParser}) and
 * then {@link MessageChecks}, as every packet callhook receives goes. Seeded with RFC 4475's 49
 * torture messages ({@code MessageChecksFuzzTestInputs/parsedLikeTheStack/}); every build runs the
 * seeds, {@code JAZZER_FUZZ=1} fuzzes for real.
 *
 * <p>What must hold for every input:
 * <ul>
 *   <li>the parse ends in a message or a {@link ParseException} (the stack then answers 400 or drops it).
 *       A {@link RuntimeException} thrown inside the RI's own code is tolerated: its channels catch
 *       {@code Exception} and drop the packet. One thrown from callhook's parser hooks is not, nor
 *       any {@link Error} (it would kill an RI worker thread for good);</li>
 *   <li>{@link MessageChecks} always gives a verdict and never throws;</li>
 *   <li>a refusal carries one of the statuses it is meant to, with a reason phrase that fits a status
 *       line (building the stateless answer may fail with an exception, for junk no answer can be
 *       made of; the proxy then only logs at DEBUG);</li>
 *   <li>a message it lets through is one the proxy can work with: a request the RI will make a server
 *       transaction of ({@code checkHeaders} passes once a missing Max-Forwards is added), copy
 *       (forwarding clones it) and answer (100 Trying, a final status); a response it can copy
 *       (relaying clones it). Anything thrown there is a finding.</li>
 * </ul>
 */
class MessageChecksFuzzTest {

    private static final Set<Integer> STATUSES = Set.of(400, 416, 420, 505);
    private static final MessageFactoryImpl MESSAGES = new MessageFactoryImpl();

    @FuzzTest(maxDuration = "3m")
    void parsedLikeTheStack(byte[] data) throws Exception {
        SIPMessage message;
        try {
            message = ParsedLikeTheStack.parse(data);
        } catch (ParseException refused) {
            return;
        } catch (RuntimeException e) {
            if (thrownByCallhook(e)) {
                throw e;
            }
            return; // an RI parser bug: its channel catches Exception and drops the packet
        }
        if (message == null) {
            return;
        }
        Verdict verdict = message instanceof SIPRequest request ? MessageChecks.request(request)
                : MessageChecks.response((SIPResponse) message);
        assertThat(verdict).isNotNull();
        if (!verdict.ok()) {
            assertThat(verdict.status()).isIn(STATUSES);
            assertThat(verdict.reasonPhrase()).doesNotContain("\r", "\n").isNotBlank();
            if (message instanceof SIPRequest request && !Request.ACK.equals(request.getMethod())) {
                answerStatelessly(request, verdict);
            }
        } else if (message instanceof SIPRequest request) {
            if (request.getMaxForwards() == null) {
                request.setHeader(new MaxForwards(70)); // as SipProxy does
            }
            request.checkHeaders(); // what getNewServerTransaction does first
            assertThat(((SIPRequest) request.clone()).encode()).isNotEmpty(); // Forwarder.prepare
            if (!Request.ACK.equals(request.getMethod())) {
                assertThat(MESSAGES.createResponse(100, request).toString()).startsWith("SIP/2.0 100 ");
                assertThat(MESSAGES.createResponse(487, request).toString()).startsWith("SIP/2.0 487 ");
            }
        } else {
            assertThat(((SIPResponse) message.clone()).encode()).isNotEmpty(); // Forwarder.relayUp
        }
    }

    /**
     * Found by fuzzing: {@code Via: …;rport=z9hG4bKkdjuw} parses, but the RI throws
     * NumberFormatException whenever it copies that Via, which forwarding and answering both do. Such
     * a message is now refused before the proxy touches it (when the bad rport is in a lower Via, which
     * the stack does not rewrite, not even the refusal can be built: the request is dropped).
     */
    @Test
    void aViaWhoseRportIsNotAPortIsRefusedBeforeTheProxyCopiesIt() throws Exception {
        String options = "OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.15;rport=z9hG4bKkdjuw\r\nFrom: <sip:a@example.com>;tag=a\r\n"
                + "To: <sip:bob@example.com>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
                + "Content-Length: 0\r\n\r\n";
        SIPRequest request = (SIPRequest) ParsedLikeTheStack.parse(options.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(request::clone).isInstanceOf(NumberFormatException.class); // the RI's trap
        assertThat(MessageChecks.request(request).problem()).isEqualTo(MessageProblem.VIA_RPORT);
        assertThat(MessageChecks.request(request).reasonPhrase())
                .isEqualTo("Bad Request - Via rport is not a port: z9hG4bKkdjuw");
    }

    /**
     * Found by fuzzing (input {@code BE 98 0A}): a packet the RI's parser logs about, parsed before any
     * SIP stack exists, throws {@code NoClassDefFoundError: org/apache/log4j/Priority}: the RI's
     * static logger falls back to log4j until a stack installs its own. callhook always creates its
     * stack before it parses anything; the harness now installs the stack's logger the same way.
     */
    @Test
    void aPacketTheParserLogsAboutParsesWithTheStacksLoggerNotLog4j() {
        assertThatCode(() -> {
            try {
                ParsedLikeTheStack.parse(new byte[] {(byte) 0xbe, (byte) 0x98, '\n'});
            } catch (ParseException refused) {
                // fine: refused like any junk
            }
        }).doesNotThrowAnyException();
    }

    /** What {@code Forwarder.respondStatelessly} builds; for some junk it cannot be (the proxy logs at DEBUG). */
    private static void answerStatelessly(SIPRequest request, Verdict verdict) {
        Response response;
        try {
            response = MESSAGES.createResponse(verdict.status(), request);
            response.setReasonPhrase(verdict.reasonPhrase());
        } catch (Exception unanswerable) {
            return;
        }
        assertThat(response.toString()).startsWith("SIP/2.0 " + verdict.status() + " ");
    }

    private static boolean thrownByCallhook(Throwable e) {
        StackTraceElement[] trace = e.getStackTrace();
        return trace.length > 0 && trace[0].getClassName().startsWith("io.callhook.");
    }
}
