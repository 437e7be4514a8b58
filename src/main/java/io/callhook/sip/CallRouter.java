package io.callhook.sip;

import io.callhook.call.DeviceType;
import io.callhook.call.Party;
import io.callhook.config.SipUri;
import io.callhook.directory.Device;
import io.callhook.directory.DeviceOwner;
import io.callhook.directory.Directory;
import io.callhook.directory.FunctionNumber;
import io.callhook.directory.User;

import javax.sip.address.SipURI;
import javax.sip.address.TelURL;
import javax.sip.address.URI;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides, from the directory, where an initial request goes and who its parties are (SPEC §4).
 * Reads only memory (the directory answers from its cache), so it is safe on SIP threads.
 */
final class CallRouter {

    private final Directory directory;
    private final LocalAddresses local;
    private final boolean hasUpstream;
    private final Registrar registrar;

    CallRouter(Directory directory, LocalAddresses local, boolean hasUpstream) {
        this(directory, local, hasUpstream, new Registrar(java.time.Clock.systemUTC(), 0));
    }

    /** @param registrar registered contacts: more fork targets, and a way to know a caller */
    CallRouter(Directory directory, LocalAddresses local, boolean hasUpstream, Registrar registrar) {
        this.directory = directory;
        this.local = local;
        this.hasUpstream = hasUpstream;
        this.registrar = registrar;
    }

    /** Where an initial INVITE goes: a local user's devices, a hunt group's members, or onward. */
    RouteDecision routeInvite(Request request) {
        URI target = request.getRequestURI();
        String dialed = numberOf(target);
        if (dialed != null) {
            Optional<User> user = directory.userByNumber(dialed);
            if (user.isPresent()) {
                return fork(List.of(user.get()), dialed);
            }
            Optional<FunctionNumber> function = directory.functionNumber(dialed);
            if (function.isPresent() && function.get().kind() == FunctionNumber.Kind.HUNT_GROUP
                    && !function.get().members().isEmpty()) {
                List<User> members = new ArrayList<>();
                for (String member : function.get().members()) {
                    directory.user(member).ifPresent(members::add);
                }
                return fork(members, dialed);
            }
        }
        Optional<DeviceOwner> device = directory.deviceByUri(target.toString());
        if (device.isPresent()) {
            return fork(List.of(device.get().user()), null);
        }
        return onward(target);
    }

    /** Where any other initial request goes: its Request-URI's host, else upstream. */
    RouteDecision onward(URI target) {
        if (!local.isOurs(target) && target instanceof SipURI) {
            return new RouteDecision.ToRequestUri();
        }
        return hasUpstream ? new RouteDecision.ToUpstream()
                : new RouteDecision.Refuse(404, "Not Found");
    }

    private RouteDecision fork(List<User> users, String dialed) {
        List<RouteDecision.Target> targets = new ArrayList<>();
        for (User user : users) {
            for (Device device : user.devices()) {
                if (device.contact() != null) {
                    targets.add(new RouteDecision.Target(user, device, device.contact()));
                }
                for (String contact : registrar.contacts(device.aor())) { // registered contacts (RFC 3261 §10)
                    if (device.contact() == null || !SipUri.parse(contact).equals(SipUri.parse(device.contact()))) {
                        targets.add(new RouteDecision.Target(user, device, contact));
                    }
                }
            }
        }
        if (targets.isEmpty()) {
            return new RouteDecision.Refuse(480, "Temporarily Unavailable");
        }
        return new RouteDecision.Fork(targets, dialed);
    }

    /**
     * The local user placing the call, when the From names a user's device AOR or contact, or a
     * user's number; the device is the one whose AOR or contact matches, else the user's only one.
     */
    Optional<DeviceOwner> caller(Request request) {
        Optional<DeviceOwner> authenticated = Admission.authenticatedDevice(request);
        if (authenticated.isPresent()) {
            return authenticated; // digest credentials name the device better than any header
        }
        URI from = ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().getURI();
        Optional<DeviceOwner> byUri = directory.deviceByUri(from.toString());
        if (byUri.isPresent()) {
            return byUri;
        }
        Optional<DeviceOwner> byContact = registeredCaller(request);
        if (byContact.isPresent()) {
            return byContact;
        }
        String number = numberOf(from);
        if (number == null) {
            return Optional.empty();
        }
        return directory.userByNumber(number)
                .map(user -> new DeviceOwner(user, user.devices().size() == 1 ? user.devices().get(0) : null));
    }

    /** The device whose registered contact is the request's Contact. */
    private Optional<DeviceOwner> registeredCaller(Request request) {
        javax.sip.header.ContactHeader contact = (javax.sip.header.ContactHeader) request.getHeader(
                javax.sip.header.ContactHeader.NAME);
        if (contact == null || contact.isWildCard()) {
            return Optional.empty();
        }
        return registrar.byContact(contact.getAddress().getURI().toString())
                .flatMap(binding -> directory.deviceByUri(binding.aor()));
    }

    /** The party a local user sees on the other side when {@code request}'s caller calls them. */
    Party callerParty(Request request, Optional<DeviceOwner> caller) {
        if (caller.isPresent()) {
            return localParty(caller.get().user(), null);
        }
        URI from = ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().getURI();
        return Party.external(numberOf(from));
    }

    /** The party a calling local user sees: the callee, a local user when the dial reaches one. */
    Party calleeParty(Request request, RouteDecision decision) {
        if (decision instanceof RouteDecision.Fork fork) {
            List<User> users = fork.targets().stream().map(RouteDecision.Target::user).distinct().toList();
            if (users.size() == 1) {
                return localParty(users.get(0), fork.dialedNumber());
            }
            return Party.external(fork.dialedNumber());
        }
        String number = numberOf(request.getRequestURI());
        if (number == null) {
            number = numberOf(((ToHeader) request.getHeader(ToHeader.NAME)).getAddress().getURI());
        }
        return Party.external(number);
    }

    /** A local user as a party; {@code dialed} is used as the number when it is one of theirs. */
    static Party localParty(User user, String dialed) {
        String number = dialed != null && user.numbers().contains(dialed) ? dialed : user.primaryNumber();
        return new Party(user.userId(), user.email(), number);
    }

    static DeviceType deviceType(Device device) {
        return device == null ? null : device.type();
    }

    /** The number a URI names (its user part, or a tel: number), E.164 when it can be normalized. */
    String numberOf(URI uri) {
        String raw = null;
        if (uri instanceof SipURI sip) {
            raw = sip.getUser();
        } else if (uri instanceof TelURL tel) {
            raw = (tel.isGlobal() ? "+" : "") + tel.getPhoneNumber();
        }
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        return directory.normalize(raw);
    }
}
