package io.callhook.sip;

import io.callhook.config.CallhookConfig;
import io.callhook.config.Cidr;
import io.callhook.sip.auth.NonceCounts;
import io.callhook.sip.auth.Nonces;
import io.callhook.directory.Directory;
import io.callhook.tracker.CallTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.ListeningPoint;
import javax.sip.SipFactory;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SIP side of callhook: an embedded JAIN-SIP RI stack listening on {@code sip.listen}, with
 * {@link SipProxy} as its listener. The only entry point of the {@code sip} room.
 */
public final class SipServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SipServer.class);
    private static final AtomicInteger STACKS = new AtomicInteger();
    /** Bounds the registrar: a device AOR may have this many contacts at once. */
    static final int MAX_CONTACTS_PER_AOR = 10;

    private final SipStack stack;
    private final List<ListeningPoint> listeningPoints;
    private final ScheduledExecutorService timers;
    private final SipProxy proxy;
    private volatile boolean closed;

    private SipServer(SipStack stack, List<ListeningPoint> listeningPoints, ScheduledExecutorService timers,
                      SipProxy proxy) {
        this.proxy = proxy;
        this.stack = stack;
        this.listeningPoints = listeningPoints;
        this.timers = timers;
    }

    /** Starts listening; fails (and releases what it took) when an address cannot be bound. */
    public static SipServer start(CallhookConfig.Sip settings, Directory directory, CallTracker tracker, Clock clock)
            throws Exception {
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        SipStack stack = factory.createSipStack(stackProperties("callhook-" + STACKS.incrementAndGet()));
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "callhook-sip-timers");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, SipProvider> providers = new LinkedHashMap<>();
            List<ListeningPoint> lps = new ArrayList<>();
            for (CallhookConfig.ListenAddress address : settings.listen()) {
                ListeningPoint lp = stack.createListeningPoint(address.host(), address.port(), address.transport());
                lps.add(lp);
                String hostPort = address.host() + ":" + address.port();
                SipProvider existing = providers.get(hostPort);
                if (existing == null) {
                    providers.put(hostPort, stack.createSipProvider(lp));
                } else {
                    existing.addListeningPoint(lp);
                }
            }
            AddressFactory addresses = factory.createAddressFactory();
            SipURI upstream = settings.upstream() == null ? null : (SipURI) addresses.createURI(settings.upstream());
            LocalAddresses local = new LocalAddresses(lps);
            DialogTokens dialogTokens = DialogTokens.withRandomKey();
            Forwarder forwarder = new Forwarder(factory.createHeaderFactory(), factory.createMessageFactory(),
                    addresses, local, upstream, dialogTokens);
            Registrar registrar = new Registrar(clock, MAX_CONTACTS_PER_AOR);
            CallRouter router = new CallRouter(directory, local, upstream != null, registrar);
            SipProxy proxy = new SipProxy(forwarder, router, tracker, clock, timers, settings.noAnswerTimeout(),
                    settings.timerC());
            NonceCounts nonceCounts = new NonceCounts(clock, settings.nonceTtl());
            proxy.guardWith(new Admission(settings.trustedPeers().stream().map(Cidr::parse).toList(), directory,
                            Nonces.withRandomKey(clock, settings.nonceTtl()), nonceCounts, dialogTokens, local,
                            forwarder.messages, forwarder.headers),
                    new RegisterResponder(registrar, directory, forwarder, clock));
            for (SipProvider provider : providers.values()) {
                provider.addSipListener(proxy);
            }
            stack.start();
            timers.scheduleWithFixedDelay(guard(proxy.recentInvites()::sweep), 5, 5, TimeUnit.SECONDS);
            timers.scheduleWithFixedDelay(guard(() -> {
                registrar.sweep();
                nonceCounts.sweep();
            }), 5, 5, TimeUnit.SECONDS);
            SipServer server = new SipServer(stack, lps, timers, proxy);
            LOG.info("SIP proxy listening on {}", server.listening());
            return server;
        } catch (Exception | Error e) {
            timers.shutdownNow();
            stack.stop();
            throw e;
        }
    }

    private static Runnable guard(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                LOG.error("periodic SIP task failed: {}", t.toString(), t);
            }
        };
    }

    /** The addresses the proxy listens on, as {@code transport:host:port}. */
    public List<String> listening() {
        return listeningPoints.stream()
                .map(lp -> lp.getTransport().toLowerCase() + ":" + lp.getIPAddress() + ":" + lp.getPort())
                .toList();
    }

    /** True while the stack runs and has its listening points (for {@code /health}). */
    public boolean isListening() {
        return !closed && ((gov.nist.javax.sip.stack.SIPTransactionStack) stack).isAlive() && !listeningPoints.isEmpty();
    }

    /** SIP requests and responses that reached the proxy's listener since start. */
    public long requestsIn() {
        return proxy.requestsIn.sum();
    }

    public long responsesIn() {
        return proxy.responsesIn.sum();
    }

    /** Live SIP transactions in the stack (server + client), for leak checks and metrics. */
    public int liveTransactions() {
        gov.nist.javax.sip.stack.SIPTransactionStack nist = (gov.nist.javax.sip.stack.SIPTransactionStack) stack;
        return nist.getServerTransactionTableSize() + nist.getClientTransactionTableSize();
    }

    static Properties stackProperties(String name) {
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", name);
        // Proxy mode: no dialogs in the stack, so BYE/PRACK/UPDATE pass through and unmatched CANCELs reach us.
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        // Without these the RI needs log4j (its default logger imports it).
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", Slf4jServerLogger.class.getName());
        // Concurrent listener calls on a fixed pool (the default starts a thread per datagram).
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "4");
        // Caps per-datagram buffers (the default allocates 64 KiB per packet) and message size.
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "16384");
        p.setProperty("gov.nist.javax.sip.TIMER_CLASS_NAME",
                "gov.nist.javax.sip.stack.timers.ScheduledExecutorSipTimer");
        // Our branch bookkeeping checks CANCELs; this spares an O(n) table scan per CANCEL.
        p.setProperty("gov.nist.javax.sip.CANCEL_CLIENT_TRANSACTION_CHECKED", "false");
        // Notes what the lenient RI parser forgets, for MessageChecks (RFC 4475 torture messages).
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", NotingMessageParserFactory.class.getName());
        return p;
    }

    @Override
    public void close() {
        closed = true;
        timers.shutdownNow();
        stack.stop();
        LOG.info("SIP proxy stopped");
    }
}
