package io.callhook.sip;

import io.callhook.config.SipUri;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registrar's bindings (RFC 3261 §10.3): for each device AOR, the contacts it registered and
 * until when. Pure state, no SIP stack: {@link RegisterResponder} turns REGISTER requests into
 * {@link #update} calls, {@link CallRouter} forks INVITEs to {@link #contacts} and identifies callers
 * by {@link #byContact}.
 *
 * <p>Keys: an AOR is compared by scheme, user and host ({@code sip:alice@example.com:5062} is
 * {@code sip:alice@example.com}); a contact by scheme, user, host and port (URI parameters such as
 * {@code transport} do not matter). Both lookups are one hash-map get. Expiry is read from the
 * injected clock at lookup time, so an expired binding is never returned even before
 * {@link #sweep()} removes it.
 *
 * <p>Threading: lookups run on SIP threads without locking (concurrent maps of immutable values);
 * updates and sweeps are serialized on this object. Bounded: at most {@code maxContactsPerAor}
 * bindings per AOR, and only AORs of directory devices are ever registered.
 */
final class Registrar {

    /** One registered contact of an AOR. */
    record Binding(String aor, String contact, Instant expires, String callId, long cseq) {
        long secondsLeft(Instant now) {
            return Math.max(0, Duration.between(now, expires).toSeconds());
        }
    }

    /** One Contact of a REGISTER: its URI and the expiry asked for (zero removes the binding). */
    record ContactUpdate(String contact, Duration expires) {}

    /** What a REGISTER did. */
    enum Outcome {
        /** Applied (or nothing to apply). */
        UPDATED,
        /** Same Call-ID with a CSeq not above the binding's: an old or reordered REGISTER (§10.3 step 7). */
        OUT_OF_ORDER,
        /** More contacts than one AOR may have. */
        TOO_MANY_CONTACTS
    }

    private final Map<SipUri, List<Binding>> byAor = new ConcurrentHashMap<>();
    private final Map<SipUri, Binding> byContact = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int maxContactsPerAor;

    Registrar(Clock clock, int maxContactsPerAor) {
        this.clock = clock;
        this.maxContactsPerAor = maxContactsPerAor;
    }

    /** The contacts registered for {@code aor} now, oldest first. */
    List<Binding> bindings(String aor) {
        Optional<SipUri> key = aorKey(aor);
        if (key.isEmpty()) {
            return List.of();
        }
        List<Binding> all = byAor.get(key.get());
        if (all == null) {
            return List.of();
        }
        Instant now = clock.instant();
        return all.stream().filter(b -> b.expires().isAfter(now)).toList();
    }

    /** The contact URIs {@code aor} is reachable at now. */
    List<String> contacts(String aor) {
        return bindings(aor).stream().map(Binding::contact).toList();
    }

    /** The live binding whose contact is {@code contactUri} (scheme, user, host, port compared). */
    Optional<Binding> byContact(String contactUri) {
        Optional<SipUri> key = SipUri.parse(contactUri);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        Binding b = byContact.get(key.get());
        return b != null && b.expires().isAfter(clock.instant()) ? Optional.of(b) : Optional.empty();
    }

    /**
     * Applies the contacts of one REGISTER for {@code aor} (RFC 3261 §10.3 steps 6–7): a zero expiry
     * removes that contact's binding, anything else adds or refreshes it; a contact already bound
     * under the same Call-ID is changed only by a higher CSeq. All or nothing.
     */
    synchronized Outcome update(String aor, List<ContactUpdate> updates, String callId, long cseq) {
        SipUri aorKey = aorKey(aor).orElseThrow(() -> new IllegalArgumentException("not a SIP AOR: " + aor));
        Instant now = clock.instant();
        List<Binding> next = new ArrayList<>(live(byAor.getOrDefault(aorKey, List.of()), now));
        for (ContactUpdate u : updates) {
            SipUri contactKey = SipUri.parse(u.contact())
                    .orElseThrow(() -> new IllegalArgumentException("not a SIP contact: " + u.contact()));
            int existing = indexOf(next, contactKey);
            if (existing >= 0) {
                Binding old = next.get(existing);
                if (old.callId().equals(callId) && cseq <= old.cseq()) {
                    return Outcome.OUT_OF_ORDER;
                }
                next.remove(existing);
            }
            if (!u.expires().isZero()) {
                next.add(new Binding(aor, u.contact(), now.plus(u.expires()), callId, cseq));
            }
        }
        if (next.size() > maxContactsPerAor) {
            return Outcome.TOO_MANY_CONTACTS;
        }
        replace(aorKey, next);
        return Outcome.UPDATED;
    }

    /** {@code Contact: *} with {@code Expires: 0}: removes every binding of {@code aor} (§10.3 step 6). */
    synchronized Outcome removeAll(String aor, String callId, long cseq) {
        SipUri aorKey = aorKey(aor).orElseThrow(() -> new IllegalArgumentException("not a SIP AOR: " + aor));
        Instant now = clock.instant();
        for (Binding b : live(byAor.getOrDefault(aorKey, List.of()), now)) {
            if (b.callId().equals(callId) && cseq <= b.cseq()) {
                return Outcome.OUT_OF_ORDER;
            }
        }
        replace(aorKey, List.of());
        return Outcome.UPDATED;
    }

    /** Forgets expired bindings; called periodically. */
    synchronized void sweep() {
        Instant now = clock.instant();
        for (Iterator<Map.Entry<SipUri, List<Binding>>> it = byAor.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<SipUri, List<Binding>> e = it.next();
            List<Binding> live = live(e.getValue(), now);
            if (live.size() != e.getValue().size()) {
                replace(e.getKey(), live);
            }
        }
    }

    /** How many bindings are held, expired ones not yet swept included. */
    int size() {
        return byContact.size();
    }

    private void replace(SipUri aorKey, List<Binding> next) {
        List<Binding> before = byAor.getOrDefault(aorKey, List.of());
        for (Binding b : before) {
            SipUri contactKey = SipUri.parse(b.contact()).orElseThrow();
            byContact.remove(contactKey, b);
        }
        if (next.isEmpty()) {
            byAor.remove(aorKey);
        } else {
            byAor.put(aorKey, List.copyOf(next));
        }
        for (Binding b : next) {
            byContact.put(SipUri.parse(b.contact()).orElseThrow(), b);
        }
    }

    private static List<Binding> live(List<Binding> bindings, Instant now) {
        return bindings.stream().filter(b -> b.expires().isAfter(now)).toList();
    }

    private static int indexOf(List<Binding> bindings, SipUri contactKey) {
        for (int i = 0; i < bindings.size(); i++) {
            if (SipUri.parse(bindings.get(i).contact()).orElseThrow().equals(contactKey)) {
                return i;
            }
        }
        return -1;
    }

    static Optional<SipUri> aorKey(String aor) {
        return SipUri.parse(aor).map(u -> new SipUri(u.scheme(), u.user(), u.host(), -1));
    }
}
