package io.callhook.sip;

import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageProcessor;

import java.io.IOException;
import java.net.InetAddress;

/**
 * The RI's UDP message processor with a {@link BoundedDatagramQueue} in place of its unbounded
 * queue. The swap happens in the constructor, before {@code start()} creates the worker threads,
 * which read the {@code messageQueue} field on every take.
 */
final class BoundedUdpMessageProcessor extends UDPMessageProcessor {

    private final BoundedDatagramQueue queue;

    BoundedUdpMessageProcessor(InetAddress address, SIPTransactionStack stack, int port, BoundedDatagramQueue queue)
            throws IOException {
        super(address, stack, port);
        this.queue = queue;
        this.messageQueue = queue;
    }

    BoundedDatagramQueue queue() {
        return queue;
    }
}
