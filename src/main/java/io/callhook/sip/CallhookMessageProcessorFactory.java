package io.callhook.sip;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.MessageProcessorFactory;
import gov.nist.javax.sip.stack.OIOMessageProcessorFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.time.Duration;

/**
 * The stack's {@code MESSAGE_PROCESSOR_FACTORY}: UDP listening points get a
 * {@link BoundedUdpMessageProcessor}; TCP (and anything else) is the RI's default (blocking I/O,
 * one reader thread per connection). The RI instantiates this class by name, so the queue bound
 * travels as a stack property ({@link #UDP_QUEUE}).
 */
public final class CallhookMessageProcessorFactory implements MessageProcessorFactory {

    /** Stack property: datagrams that may wait for a SIP thread, per UDP listening point. */
    static final String UDP_QUEUE = "io.callhook.sip.UDP_QUEUE";
    private final MessageProcessorFactory standard = new OIOMessageProcessorFactory();
    /** One per stack (the RI makes one factory per stack): the UDP drops, flushed by {@link SipServer}. */
    private final IntervalLog drops = new IntervalLog(LoggerFactory.getLogger(BoundedDatagramQueue.class),
            Duration.ofSeconds(60));

    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port,
                                                   String transport) throws IOException {
        if (!"udp".equalsIgnoreCase(transport)) {
            return standard.createMessageProcessor(stack, address, port, transport);
        }
        int capacity = Integer.parseInt(((SipStackImpl) stack).getConfigurationProperties()
                .getProperty(UDP_QUEUE, "5000"));
        BoundedDatagramQueue queue = new BoundedDatagramQueue(capacity, "udp:" + address.getHostAddress() + ":" + port,
                drops, System::currentTimeMillis);
        BoundedUdpMessageProcessor processor = new BoundedUdpMessageProcessor(address, stack, port, queue);
        sendFromListeningSocket(stack);
        return processor;
    }

    /**
     * What the RI's own factory does for UDP: it sets the package-private {@code udpFlag}, without
     * which UDP messages are sent from a fresh socket per message instead of the listening one (and
     * responses would come from the wrong port). No public setter exists in 1.3.0-91.
     */
    private static void sendFromListeningSocket(SIPTransactionStack stack) throws IOException {
        try {
            Field flag = SIPTransactionStack.class.getDeclaredField("udpFlag");
            flag.setAccessible(true);
            flag.setBoolean(stack, true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot set the RI's udpFlag (not JAIN-SIP RI 1.3.0-91?): " + e, e);
        }
    }
}
