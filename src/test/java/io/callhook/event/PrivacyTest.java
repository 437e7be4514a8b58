package io.callhook.event;

import io.callhook.call.Direction;
import io.callhook.call.LegState;
import io.callhook.directory.FieldPrivacy;
import io.callhook.directory.PrivacyOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrivacyTest {

    @Test
    void documentedMaskOfFourDigits() {
        assertThat(Privacy.mask("+358942721234", 4)).isEqualTo("+35894272XXXX");
    }

    @Test
    void everyMaskWidthFromOneToFifteenMasksExactlyThatManyTrailingDigits() {
        String number = "+358942721234"; // 12 digits
        for (int n = 1; n <= 15; n++) {
            String masked = Privacy.mask(number, n);
            int digits = Math.min(n, 12);
            assertThat(masked).as("mask:%d", n).hasSize(number.length()).startsWith("+");
            assertThat(masked.chars().filter(c -> c == 'X').count()).as("mask:%d", n).isEqualTo(digits);
            assertThat(masked.substring(0, masked.length() - digits)).isEqualTo(number.substring(0, number.length() - digits));
            assertThat(masked).endsWith("X".repeat(digits));
        }
    }

    @ParameterizedTest
    @CsvSource({"112, 4, XXX", "+1, 3, +X", "'', 2, ''", "+358 40 123, 4, +358 4X XXX"})
    void shortNumbersAreMaskedEntirelyAndSeparatorsKept(String number, int n, String expected) {
        assertThat(Privacy.mask(number, n)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"0", "16", "-1"})
    void maskWidthOutsideOneToFifteenIsRefused(int n) {
        assertThatThrownBy(() -> FieldPrivacy.mask(n)).hasMessage("mask digits must be 1..15: " + n);
    }

    @Test
    void removeLeavesEachFieldOutAndKeepLeavesItAlone() {
        CallEvent e = new CallEvent("o", 1, "c", "b", Instant.EPOCH, LegState.EARLY, null, Direction.INCOMING,
                "le", "lu", "+1234", "SOFT", "re", "ru", "+5678");
        PrivacyOptions removeAll = new PrivacyOptions(FieldPrivacy.REMOVE, FieldPrivacy.REMOVE, FieldPrivacy.REMOVE,
                FieldPrivacy.REMOVE, FieldPrivacy.REMOVE, FieldPrivacy.REMOVE, FieldPrivacy.REMOVE);
        CallEvent removed = Privacy.apply(e, removeAll);
        assertThat(removed.localEmail()).isNull();
        assertThat(removed.localUserId()).isNull();
        assertThat(removed.localNumber()).isNull();
        assertThat(removed.deviceType()).isNull();
        assertThat(removed.remoteEmail()).isNull();
        assertThat(removed.remoteUserId()).isNull();
        assertThat(removed.remoteNumber()).isNull();
        assertThat(removed.callId()).isEqualTo("c");
        assertThat(Privacy.apply(e, PrivacyOptions.KEEP_ALL)).isEqualTo(e);
    }
}
