package io.callhook.directory;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class NumberNormalizerTest {

    @ParameterizedTest
    @CsvSource({
            "+358401234567,     +358401234567",
            "00358401234567,    +358401234567",
            "0401234567,        +358401234567",
            "'+358 40-123 4567', +358401234567",
            "(040) 123 4567,    +358401234567",
            "(040) 123,         +35840123",
            "09 4272 1234,      +358942721234",
            "+44 20 7946 0958,  +442079460958"})
    void finnishWaysOfWritingANumberBecomeE164(String raw, String e164) {
        assertThat(NumberNormalizer.toE164(raw, "FI")).contains(e164);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "alice", "setera.test", "1-800-FLOWERS", "12", "+1", "+3584012345678901", "40#12"})
    void whatIsNotAPossibleNumberGivesNothing(String raw) {
        assertThat(NumberNormalizer.toE164(raw, "FI")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"+358401234567, +358401234567", "0401234567, ''"})
    void withoutARegionOnlyInternationalNumbersParse(String raw, String e164) {
        assertThat(NumberNormalizer.toE164(raw, null).orElse("")).isEqualTo(e164);
    }

    @ParameterizedTest
    @CsvSource({"FI, true", "SE, true", "XX, false", "fi, false", "ZZ, false"})
    void knownRegionsAreTheUpperCaseIsoCodesOfLibphonenumber(String region, boolean known) {
        assertThat(NumberNormalizer.isKnownRegion(region)).isEqualTo(known);
    }
}
