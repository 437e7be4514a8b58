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
import gov.nist.javax.sip.ListeningPointImpl;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
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
    /** Bounds the per-source rate limit's table; further sources share one bucket. */
    static final int MAX_RATE_LIMITED_SOURCES = 10_000;

    /** The RI's UDP worker threads per listening point ({@code THREAD_POOL_SIZE}). */
    static final int SIP_THREADS = 4;

    private final SipStack stack;
    private final List<ListeningPoint> listeningPoints;
    private final ScheduledExecutorService timers;
    private final ScheduledExecutorService watchdogThread;
    private final SipProxy proxy;
    private final RequestLimits limits;
    private final List<BoundedDatagramQueue> udpQueues;
    private final StackWatchdog watchdog;
    private volatile boolean closed;

    private SipServer(SipStack stack, List<ListeningPoint> listeningPoints, ScheduledExecutorService timers,
                      ScheduledExecutorService watchdogThread, SipProxy proxy, RequestLimits limits,
                      List<BoundedDatagramQueue> udpQueues, StackWatchdog watchdog) {
        this.proxy = proxy;
        this.stack = stack;
        this.listeningPoints = listeningPoints;
        this.timers = timers;
        this.watchdogThread = watchdogThread;
        this.limits = limits;
        this.udpQueues = udpQueues;
        this.watchdog = watchdog;
    }

    /** Starts listening; fails (and releases what it took) when an address cannot be bound. */
    public static SipServer start(CallhookConfig.Sip settings, Directory directory, CallTracker tracker, Clock clock)
            throws Exception {
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        CallhookConfig.Limits limitSettings = settings.limits();
        SipStack stack = factory.createSipStack(stackProperties("callhook-" + STACKS.incrementAndGet(), limitSettings));
        ScheduledExecutorService timers = new SipTimers("callhook-sip-timers");
        // its own thread, so a stuck timer task cannot silence the watchdog
        ScheduledExecutorService watchdogThread = new SipTimers("callhook-sip-watchdog");
        try {
            Map<String, SipProvider> providers = new LinkedHashMap<>();
            List<ListeningPoint> lps = new ArrayList<>();
            List<BoundedDatagramQueue> udpQueues = new ArrayList<>();
            for (CallhookConfig.ListenAddress address : settings.listen()) {
                ListeningPoint lp = stack.createListeningPoint(address.host(), address.port(), address.transport());
                lps.add(lp);
                if (((ListeningPointImpl) lp).getMessageProcessor() instanceof BoundedUdpMessageProcessor udp) {
                    udpQueues.add(udp.queue());
                }
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
            Admission admission = new Admission(settings.trustedPeers().stream().map(Cidr::parse).toList(), directory,
                    Nonces.withRandomKey(clock, settings.nonceTtl()), nonceCounts, dialogTokens, local,
                    forwarder.messages, forwarder.headers, forwarder.counters);
            proxy.guardWith(admission, new RegisterResponder(registrar, directory, forwarder, clock));
            SourceRateLimit perSource = limitSettings.perSourceRate() == 0 ? null
                    : new SourceRateLimit(limitSettings.perSourceRate(), limitSettings.perSourceBurst(),
                            limitSettings.retryAfter(), MAX_RATE_LIMITED_SOURCES, System::nanoTime);
            IntervalLog limitLog = new IntervalLog(LoggerFactory.getLogger(RequestLimits.class), Duration.ofSeconds(60));
            RequestLimits limits = new RequestLimits(limitSettings, perSource, admission::isTrusted, tracker::liveLegs,
                    () -> liveTransactions(stack), BoundedDatagramQueue::waitedMillis, limitLog, forwarder);
            SourceRateLimit perSourcePackets = limitSettings.perSourcePackets() == 0 ? null
                    : new SourceRateLimit(limitSettings.perSourcePackets(), 2 * limitSettings.perSourcePackets(),
                            limitSettings.retryAfter(), MAX_RATE_LIMITED_SOURCES, System::nanoTime);
            for (BoundedDatagramQueue queue : udpQueues) {
                queue.gateWith(new DatagramGate(perSourcePackets, admission::isTrusted,
                        2 * limitSettings.maxQueueDelay().toMillis(), queue.drops()));
            }
            ListenerCalls calls = new ListenerCalls(System::nanoTime);
            GuardedListener listener = new GuardedListener(proxy, limits, calls);
            for (SipProvider provider : providers.values()) {
                provider.addSipListener(listener);
            }
            ((SIPTransactionStack) stack).sipMessageValves.add(new StrayResponses((SIPTransactionStack) stack, listener));
            StackWatchdog watchdog = new StackWatchdog(calls, udpQueues, SIP_THREADS, StackWatchdog.DEFAULT_STUCK_AFTER);
            stack.start();
            timers.scheduleWithFixedDelay(guard(proxy.recentInvites()::sweep), 5, 5, TimeUnit.SECONDS);
            timers.scheduleWithFixedDelay(guard(() -> {
                registrar.sweep();
                nonceCounts.sweep();
            }), 5, 5, TimeUnit.SECONDS);
            for (SourceRateLimit limit : new SourceRateLimit[] {perSource, perSourcePackets}) {
                if (limit != null) {
                    timers.scheduleWithFixedDelay(guard(limit::sweep), 10, 10, TimeUnit.SECONDS);
                }
            }
            timers.scheduleWithFixedDelay(guard(() -> {
                limitLog.flush();
                udpQueues.stream().map(BoundedDatagramQueue::drops).distinct().forEach(IntervalLog::flush);
            }), 60, 60, TimeUnit.SECONDS);
            watchdogThread.scheduleWithFixedDelay(guard(watchdog::check), 1, 1, TimeUnit.SECONDS);
            SipServer server = new SipServer(stack, lps, timers, watchdogThread, proxy, limits, udpQueues, watchdog);
            LOG.info("SIP proxy listening on {}", server.listening());
            return server;
        } catch (Exception | Error e) {
            timers.shutdownNow();
            watchdogThread.shutdownNow();
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
        return proxy.counters().requestsIn.sum();
    }

    public long responsesIn() {
        return proxy.counters().responsesIn.sum();
    }

    /** SIP requests and responses callhook sent since start (see {@link SipCounters}). */
    public long requestsOut() {
        return proxy.counters().requestsOut.sum();
    }

    public long responsesOut() {
        return proxy.counters().responsesOut.sum();
    }

    /** Live SIP transactions in the stack (server + client), for leak checks and metrics. */
    public int liveTransactions() {
        return liveTransactions(stack);
    }

    private static int liveTransactions(SipStack stack) {
        gov.nist.javax.sip.stack.SIPTransactionStack nist = (gov.nist.javax.sip.stack.SIPTransactionStack) stack;
        return nist.getServerTransactionTableSize() + nist.getClientTransactionTableSize();
    }

    /**
     * Why the stack cannot serve although it listens (a dead UDP worker thread, a listener call
     * stuck for seconds), as of the watchdog's last look a second ago; empty when healthy.
     */
    public Optional<String> stackProblem() {
        return closed ? Optional.empty() : watchdog.problem();
    }

    /** The names of the {@code sip.limits} that refuse or drop messages (for metrics). */
    public static List<String> limitNames() {
        return List.of("per_source_rate", "per_source_packets", "max_live_legs", "max_transactions", "max_queue_delay",
                "overload_shed", "max_message_size", "udp_queue");
    }

    /** Messages refused (503) or dropped by the limit {@code name} since start. */
    public long limited(String name) {
        return switch (name) {
            case "max_message_size", "udp_queue", "per_source_packets", "overload_shed" -> udpQueues.stream().map(BoundedDatagramQueue::drops).distinct()
                    .mapToLong(log -> log.total(name)).sum();
            default -> limits.refused(name);
        };
    }

    /** Datagrams waiting for a SIP thread, over all UDP listening points. */
    public int udpQueued() {
        return udpQueues.stream().mapToInt(BoundedDatagramQueue::size).sum();
    }

    static Properties stackProperties(String name, CallhookConfig.Limits limits) {
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", name);
        // Proxy mode: no dialogs in the stack, so BYE/PRACK/UPDATE pass through and unmatched CANCELs reach us.
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        // Without these the RI needs log4j (its default logger imports it).
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", Slf4jServerLogger.class.getName());
        // Concurrent listener calls on a fixed pool (the default starts a thread per datagram).
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", String.valueOf(SIP_THREADS));
        // Caps per-datagram buffers (the default allocates 64 KiB per packet) and message size (UDP and TCP).
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", String.valueOf(limits.maxMessageSize()));
        // A TCP message whose first line arrived must be complete within this (ms), else the connection is
        // closed: a peer trickling bytes cannot hold a reader thread. Idle connections are not timed out.
        p.setProperty("gov.nist.javax.sip.READ_TIMEOUT", String.valueOf(limits.tcpReadTimeout().toMillis()));
        // Past this many TCP connections the accept loop waits until one closes.
        p.setProperty("gov.nist.javax.sip.MAX_CONNECTIONS", String.valueOf(limits.maxTcpConnections()));
        // UDP: a bounded queue between the receive thread and the workers (the RI's is unbounded).
        p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", CallhookMessageProcessorFactory.class.getName());
        p.setProperty(CallhookMessageProcessorFactory.UDP_QUEUE, String.valueOf(limits.udpQueue()));
        p.setProperty("gov.nist.javax.sip.TIMER_CLASS_NAME",
                "gov.nist.javax.sip.stack.timers.ScheduledExecutorSipTimer");
        // Our branch bookkeeping checks CANCELs; this spares an O(n) table scan per CANCEL.
        p.setProperty("gov.nist.javax.sip.CANCEL_CLIENT_TRANSACTION_CHECKED", "false");
        // Terminated transactions leave the table after 2 s instead of 8 s: the live set (and so
        // GC work and the RI's O(n) table scans) is proportional to how long they stay.
        p.setProperty("gov.nist.javax.sip.LINGER_TIMER", "2");
        // Notes what the lenient RI parser forgets, for MessageChecks (RFC 4475 torture messages).
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", NotingMessageParserFactory.class.getName());
        return p;
    }

    @Override
    public void close() {
        closed = true;
        watchdogThread.shutdownNow();
        timers.shutdownNow();
        stack.stop();
        LOG.info("SIP proxy stopped");
    }
}
