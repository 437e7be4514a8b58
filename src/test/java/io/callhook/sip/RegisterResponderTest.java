package io.callhook.sip;

import io.callhook.ManualClock;
import io.callhook.call.DeviceType;
import io.callhook.directory.Device;
import io.callhook.directory.DirectoryData;
import io.callhook.directory.Organization;
import io.callhook.directory.PrivacyOptions;
import io.callhook.directory.StaticDirectory;
import io.callhook.directory.User;
import io.callhook.directory.Webhook;
import org.junit.jupiter.api.Test;

import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipProvider;
import javax.sip.TransactionState;
import javax.sip.header.ContactHeader;
import javax.sip.header.MinExpiresHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The registrar's REGISTER handling (RFC 3261 §10.3) on parsed requests, with an injected clock. */
class RegisterResponderTest {

    static final String AOR = "sip:setera.desk@seteratesting.fi";

    final ManualClock clock = new ManualClock();
    final Registrar registrar = new Registrar(clock, 10);
    final List<Response> sent = new ArrayList<>();
    final MessageFactory messages;
    final RegisterResponder responder;
    final ServerTransaction st = (ServerTransaction) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {ServerTransaction.class}, (proxy, method, args) -> switch (method.getName()) {
                case "sendResponse" -> {
                    sent.add((Response) args[0]);
                    yield null;
                }
                case "getState" -> TransactionState.TRYING;
                default -> null;
            });
    final SipProvider provider = (SipProvider) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {SipProvider.class}, (proxy, method, args) -> {
                if (method.getName().equals("getNewServerTransaction")) {
                    return st;
                }
                if (method.getName().equals("sendResponse")) {
                    sent.add((Response) args[0]);
                }
                return null;
            });
    int cseq;

    RegisterResponderTest() throws Exception {
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        messages = factory.createMessageFactory();
        Forwarder forwarder = new Forwarder(factory.createHeaderFactory(), messages, factory.createAddressFactory(),
                new LocalAddresses(List.of()), null);
        Webhook webhook = new Webhook(URI.create("https://crm.example.com/hooks"), null, Webhook.DEFAULT_STATES, null,
                false, Webhook.DEFAULT_TIMEOUT, Webhook.DEFAULT_MAX_AGE, Webhook.DEFAULT_RETRY_SCHEDULE);
        User user = new User("seteratesting", "desk", null, List.of(),
                List.of(new Device(DeviceType.DESKTOP, AOR, null, null, null, null)));
        StaticDirectory directory = new StaticDirectory(new DirectoryData(
                List.of(new Organization("seteratesting", "FI", webhook, PrivacyOptions.KEEP_ALL)), List.of(user), List.of()));
        responder = new RegisterResponder(registrar, directory, forwarder, clock);
    }

    private Response register(String to, String headers) throws Exception {
        Request r = messages.createRequest("REGISTER sip:seteratesting.fi SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.2:5072;branch=z9hG4bK-r" + (++cseq) + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <" + to + ">;tag=a1\r\n"
                + "To: <" + to + ">\r\n"
                + "Call-ID: reg1@127.0.0.2\r\n"
                + "CSeq: " + cseq + " REGISTER\r\n"
                + headers
                + "Content-Length: 0\r\n\r\n");
        responder.register(provider, new RequestEvent(provider, null, null, r));
        return sent.get(sent.size() - 1);
    }

    private static List<String> contacts(Response r) {
        List<String> out = new ArrayList<>();
        r.getHeaders(ContactHeader.NAME).forEachRemaining(h -> {
            ContactHeader c = (ContactHeader) h;
            out.add(c.getAddress().getURI() + ";expires=" + c.getExpires());
        });
        return out;
    }

    @Test
    void theOkListsEveryBindingWithItsRemainingExpiry() throws Exception {
        Response first = register(AOR, "Contact: <sip:desk@127.0.0.2:5072>\r\nExpires: 600\r\n");
        assertThat(first.getStatusCode()).isEqualTo(200);
        assertThat(first.getHeader("To").toString()).contains("tag=");
        clock.advance(Duration.ofSeconds(100));
        Response second = register(AOR, "Contact: <sip:desk@198.51.100.9:5072>;expires=120\r\n");
        assertThat(contacts(second)).containsExactly("sip:desk@127.0.0.2:5072;expires=500",
                "sip:desk@198.51.100.9:5072;expires=120");
        Response query = register(AOR, "");
        assertThat(contacts(query)).as("no Contact: a query").hasSize(2);
        assertThat(query.getHeader("Date")).isNotNull();
    }

    @Test
    void withoutAnyExpiryAnHourIsGivenAndLongerOnesAreCut() throws Exception {
        assertThat(contacts(register(AOR, "Contact: <sip:desk@127.0.0.2:5072>\r\n")))
                .containsExactly("sip:desk@127.0.0.2:5072;expires=3600");
        assertThat(contacts(register(AOR, "Contact: <sip:desk@127.0.0.2:5072>;expires=86400\r\n")))
                .containsExactly("sip:desk@127.0.0.2:5072;expires=3600");
    }

    @Test
    void tooBriefAnExpiryGets423WithMinExpires() throws Exception {
        Response r = register(AOR, "Contact: <sip:desk@127.0.0.2:5072>;expires=30\r\n");
        assertThat(r.getStatusCode()).isEqualTo(423);
        assertThat(((MinExpiresHeader) r.getHeader(MinExpiresHeader.NAME)).getExpires()).isEqualTo(60);
        assertThat(registrar.contacts(AOR)).isEmpty();
    }

    @Test
    void starWithExpiresZeroRemovesAllOtherwiseItIs400() throws Exception {
        register(AOR, "Contact: <sip:desk@127.0.0.2:5072>\r\n");
        register(AOR, "Contact: <sip:desk@127.0.0.3:5072>\r\n");
        assertThat(register(AOR, "Contact: *\r\n").getStatusCode()).isEqualTo(400);
        assertThat(register(AOR, "Contact: *\r\nContact: <sip:desk@127.0.0.2:5072>\r\nExpires: 0\r\n").getStatusCode())
                .isEqualTo(400);
        Response removed = register(AOR, "Contact: *\r\nExpires: 0\r\n");
        assertThat(removed.getStatusCode()).isEqualTo(200);
        assertThat(contacts(removed)).isEmpty();
        assertThat(registrar.contacts(AOR)).isEmpty();
    }

    @Test
    void bindingsExpireOnTheClock() throws Exception {
        register(AOR, "Contact: <sip:desk@127.0.0.2:5072>;expires=60\r\n");
        clock.advance(Duration.ofSeconds(59));
        assertThat(registrar.contacts(AOR)).hasSize(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(registrar.contacts(AOR)).isEmpty();
        assertThat(contacts(register(AOR, ""))).isEmpty();
    }

    @Test
    void anAorThatIsNoDeviceIs404() throws Exception {
        assertThat(register("sip:nobody@seteratesting.fi", "Contact: <sip:x@127.0.0.2:5072>\r\n").getStatusCode())
                .isEqualTo(404);
    }

    @Test
    void anOlderCSeqOfTheSameCallIdIsRefused() throws Exception {
        register(AOR, "Contact: <sip:desk@127.0.0.2:5072>\r\n");
        cseq = 0; // the next REGISTER goes out with CSeq 1 again
        assertThat(register(AOR, "Contact: <sip:desk@127.0.0.2:5072>;expires=0\r\n").getStatusCode()).isEqualTo(500);
        assertThat(registrar.contacts(AOR)).hasSize(1);
    }
}
