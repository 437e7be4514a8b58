package io.callhook.sip;

import java.util.concurrent.atomic.LongAdder;

/**
 * SIP messages in and out, for {@code /metrics}: uncontended adders, off every lock. "Out" counts
 * what callhook's logic sends (forwarded requests and responses, our own answers and CANCELs);
 * the stack's own retransmissions, its 100 Trying and its hop-by-hop ACKs are not counted.
 */
final class SipCounters {
    final LongAdder requestsIn = new LongAdder();
    final LongAdder responsesIn = new LongAdder();
    final LongAdder requestsOut = new LongAdder();
    final LongAdder responsesOut = new LongAdder();
}
