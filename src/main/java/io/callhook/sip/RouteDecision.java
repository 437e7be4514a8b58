package io.callhook.sip;

import io.callhook.directory.Device;
import io.callhook.directory.User;

import java.util.List;

/** Where an initial request goes (SPEC §4). */
sealed interface RouteDecision {

    /** Fork in parallel to local users' devices; {@code dialedNumber} is E.164 or null. */
    record Fork(List<Target> targets, String dialedNumber) implements RouteDecision {}

    /** Forward to the Request-URI as it is (it names another host). */
    record ToRequestUri() implements RouteDecision {}

    /** Forward to {@code sip.upstream} (the PBX or trunk). */
    record ToUpstream() implements RouteDecision {}

    /** Answer with this status; nobody to forward to. */
    record Refuse(int status, String why) implements RouteDecision {}

    /** One device to ring: its user, the device, and the contact URI to send to. */
    record Target(User user, Device device, String contact) {}
}
