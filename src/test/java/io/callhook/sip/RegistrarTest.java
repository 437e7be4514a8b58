package io.callhook.sip;

import io.callhook.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RegistrarTest {

    static final String AOR = "sip:setera.desk@seteratesting.fi";
    static final String HOME = "sip:desk@192.0.2.7:5062;transport=udp";
    static final String MOBILE = "sip:desk@198.51.100.9:40000";

    private final ManualClock clock = new ManualClock();
    private final Registrar registrar = new Registrar(clock, 3);

    private Registrar.Outcome register(String contact, Duration expires, String callId, long cseq) {
        return registrar.update(AOR, List.of(new Registrar.ContactUpdate(contact, expires)), callId, cseq);
    }

    @Test
    void aRegisteredContactIsReachableUntilItExpires() {
        assertThat(register(HOME, Duration.ofSeconds(3600), "c1", 1)).isEqualTo(Registrar.Outcome.UPDATED);
        assertThat(registrar.contacts(AOR)).containsExactly(HOME);
        assertThat(registrar.contacts("sip:setera.desk@SETERATESTING.fi:5060")).as("AOR port and case do not matter")
                .containsExactly(HOME);
        clock.advance(Duration.ofSeconds(3599));
        assertThat(registrar.bindings(AOR).get(0).secondsLeft(clock.instant())).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(registrar.contacts(AOR)).as("expired at its expiry, before any sweep").isEmpty();
        assertThat(registrar.byContact(HOME)).isEmpty();
        assertThat(registrar.size()).isOne();
        registrar.sweep();
        assertThat(registrar.size()).isZero();
    }

    @Test
    void severalContactsPerAorAndARefreshMovesTheExpiry() {
        register(HOME, Duration.ofSeconds(60), "c1", 1);
        register(MOBILE, Duration.ofSeconds(600), "c2", 1);
        assertThat(registrar.contacts(AOR)).containsExactly(HOME, MOBILE);
        clock.advance(Duration.ofSeconds(50));
        register(HOME, Duration.ofSeconds(60), "c1", 2);
        clock.advance(Duration.ofSeconds(50));
        assertThat(registrar.contacts(AOR)).containsExactlyInAnyOrder(HOME, MOBILE);
    }

    @Test
    void zeroExpiryRemovesOneContactAndStarRemovesAll() {
        register(HOME, Duration.ofSeconds(60), "c1", 1);
        register(MOBILE, Duration.ofSeconds(60), "c2", 1);
        register(HOME, Duration.ZERO, "c1", 2);
        assertThat(registrar.contacts(AOR)).containsExactly(MOBILE);
        assertThat(registrar.removeAll(AOR, "c3", 1)).isEqualTo(Registrar.Outcome.UPDATED);
        assertThat(registrar.contacts(AOR)).isEmpty();
        assertThat(registrar.byContact(MOBILE)).isEmpty();
    }

    @Test
    void aCallerIsFoundByItsRegisteredContactWhateverTheUriParameters() {
        register(HOME, Duration.ofSeconds(60), "c1", 1);
        assertThat(registrar.byContact("sip:desk@192.0.2.7:5062")).map(Registrar.Binding::aor).contains(AOR);
        assertThat(registrar.byContact("<sip:desk@192.0.2.7:5062;transport=tcp;ob>")).isPresent();
        assertThat(registrar.byContact("sip:desk@192.0.2.7:5063")).isEmpty();
        assertThat(registrar.byContact("sip:other@192.0.2.7:5062")).isEmpty();
    }

    @Test
    void anOldOrReorderedRegisterOfTheSameCallIdIsRefused() {
        register(HOME, Duration.ofSeconds(60), "c1", 5);
        assertThat(register(HOME, Duration.ZERO, "c1", 5)).isEqualTo(Registrar.Outcome.OUT_OF_ORDER);
        assertThat(register(HOME, Duration.ZERO, "c1", 4)).isEqualTo(Registrar.Outcome.OUT_OF_ORDER);
        assertThat(registrar.removeAll(AOR, "c1", 3)).isEqualTo(Registrar.Outcome.OUT_OF_ORDER);
        assertThat(registrar.contacts(AOR)).containsExactly(HOME);
        assertThat(register(HOME, Duration.ZERO, "a new Call-ID", 1)).as("a rebooted phone")
                .isEqualTo(Registrar.Outcome.UPDATED);
        assertThat(registrar.contacts(AOR)).isEmpty();
    }

    @Test
    void anAorHoldsAtMostItsLimitOfContactsAndARefusedUpdateChangesNothing() {
        for (int i = 0; i < 3; i++) {
            register("sip:d@192.0.2.1:" + (5000 + i), Duration.ofSeconds(60), "c" + i, 1);
        }
        assertThat(registrar.update(AOR, List.of(new Registrar.ContactUpdate("sip:d@192.0.2.1:6000",
                Duration.ofSeconds(60)), new Registrar.ContactUpdate("sip:d@192.0.2.1:5000", Duration.ZERO)), "x", 1))
                .as("one added, one removed: still three").isEqualTo(Registrar.Outcome.UPDATED);
        assertThat(register("sip:d@192.0.2.1:7000", Duration.ofSeconds(60), "y", 1))
                .isEqualTo(Registrar.Outcome.TOO_MANY_CONTACTS);
        assertThat(registrar.contacts(AOR)).hasSize(3).doesNotContain("sip:d@192.0.2.1:7000");
        clock.advance(Duration.ofSeconds(61));
        assertThat(register("sip:d@192.0.2.1:7000", Duration.ofSeconds(60), "y", 1))
                .as("expired bindings do not count").isEqualTo(Registrar.Outcome.UPDATED);
    }
}
