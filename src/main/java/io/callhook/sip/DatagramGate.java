package io.callhook.sip;

import java.net.DatagramPacket;
import java.net.InetAddress;
import java.util.function.Predicate;

/**
 * Decides on the UDP receive thread, before a datagram is copied, queued or parsed, whether it is
 * worth a SIP thread's time. Parsing is most of what a datagram costs the RI, so a flood must be
 * turned away before it:
 *
 * <ul>
 *   <li>a source outside {@code trusted_peers} sending more than {@code per_source_packets}
 *       datagrams per second (burst twice that): the excess is dropped;</li>
 *   <li>overload: while the datagrams the workers take have waited more than twice
 *       {@code max_queue_delay}, new INVITEs (a datagram starting {@code INVITE }) are dropped here
 *       — their senders retransmit — so what is queued is the traffic of calls already admitted
 *       (responses, ACK, BYE, CANCEL), which then keeps flowing. Below that, the listener answers
 *       INVITEs that waited more than {@code max_queue_delay} with 503 ({@link RequestLimits}).</li>
 * </ul>
 *
 * <p>Threading: the receive thread only (one per UDP listening point); cheap: a map lookup and a
 * 7-byte comparison.
 */
final class DatagramGate {

    private static final byte[] INVITE = {'I', 'N', 'V', 'I', 'T', 'E', ' '};

    private final SourceRateLimit perSource; // null: off
    private final Predicate<InetAddress> trusted;
    private final long shedInvitesAfterMillis;
    private final IntervalLog log;

    DatagramGate(SourceRateLimit perSource, Predicate<InetAddress> trusted, long shedInvitesAfterMillis, IntervalLog log) {
        this.perSource = perSource;
        this.trusted = trusted;
        this.shedInvitesAfterMillis = shedInvitesAfterMillis;
        this.log = log;
    }

    /** False when the datagram is to be dropped (and counted) without being parsed. */
    boolean admit(DatagramPacket packet, long lastWaitMillis) {
        InetAddress source = packet.getAddress();
        if (perSource != null && source != null && !trusted.test(source)
                && perSource.check(source) != SourceRateLimit.Verdict.PASS) {
            log.hit("per_source_packets", "{} sends more datagrams per second than per_source_packets allows: "
                    + "the excess is dropped unread", source.getHostAddress());
            return false;
        }
        if (lastWaitMillis > shedInvitesAfterMillis && isInvite(packet)) {
            log.hit("overload_shed", "datagrams wait {} ms for a SIP thread (twice max_queue_delay): new INVITEs "
                    + "are dropped unread until it eases", lastWaitMillis);
            return false;
        }
        return true;
    }

    private static boolean isInvite(DatagramPacket packet) {
        byte[] data = packet.getData();
        int at = packet.getOffset();
        if (packet.getLength() < INVITE.length) {
            return false;
        }
        for (int i = 0; i < INVITE.length; i++) {
            if (data[at + i] != INVITE[i]) {
                return false;
            }
        }
        return true;
    }
}
