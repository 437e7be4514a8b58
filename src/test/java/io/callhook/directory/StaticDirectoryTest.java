package io.callhook.directory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.callhook.directory.DirectoryFixtures.ALICE;
import static io.callhook.directory.DirectoryFixtures.ALICE_DESK;
import static io.callhook.directory.DirectoryFixtures.ALICE_SOFT;
import static io.callhook.directory.DirectoryFixtures.IVR;
import static io.callhook.directory.DirectoryFixtures.SVEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StaticDirectoryTest {

    private final StaticDirectory directory = new StaticDirectory(DirectoryFixtures.data());

    @Test
    void usersAreFoundByIdAndByE164Number() {
        assertThat(directory.user("alice@acme.example")).contains(ALICE);
        assertThat(directory.userByNumber("+358401234567")).contains(ALICE);
        assertThat(directory.userByNumber("+46701234567")).contains(SVEN);
        assertThat(directory.userByNumber("0401234567")).isEmpty();
        assertThat(directory.user("nobody")).isEmpty();
    }

    @Test
    void functionNumbersAndOrganizationsAreFound() {
        assertThat(directory.functionNumber("+358942720000")).contains(IVR);
        assertThat(directory.functionNumber("+358401234567")).isEmpty();
        assertThat(directory.organization("svea").orElseThrow().defaultRegion()).isEqualTo("SE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sip:alice@acme.example", "sip:alice@ACME.Example", "<sip:alice@acme.example;transport=tcp>",
            "sip:alice@acme.example:5060", "sip:alice:pw@acme.example?subject=x"})
    void aDeviceIsFoundByItsAorWhateverTheParametersHostCaseOrPort(String uri) {
        assertThat(directory.deviceByUri(uri)).contains(new DeviceOwner(ALICE, ALICE_SOFT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sip:192.0.2.10:5070", "sip:192.0.2.10:5070;transport=udp;rinstance=abc"})
    void aDeviceIsFoundByItsStaticContact(String uri) {
        assertThat(directory.deviceByUri(uri)).contains(new DeviceOwner(ALICE, ALICE_SOFT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sip:192.0.2.10", "sip:192.0.2.10:5071", "sip:Alice@acme.example", "sips:alice@acme.example",
            "sip:alice.desk@acme.example", "sip:alice.desk@acme.example:5060", "tel:+358401234567", "garbage"})
    void aUriThatDiffersInSchemeUserHostOrAGivenPortFindsNothing(String uri) {
        assertThat(directory.deviceByUri(uri)).isEmpty();
    }

    @Test
    void aDeviceIsFoundByItsDigestUserInItsRealm() {
        assertThat(directory.deviceByAuthUser("acme.example", "alice.desk")).contains(new DeviceOwner(ALICE, ALICE_DESK));
        assertThat(directory.deviceByAuthUser("other.example", "alice.desk")).isEmpty();
        assertThat(directory.deviceByAuthUser("acme.example", "Alice.Desk")).isEmpty();
    }

    @Test
    void anUnparsableNumberIsPassedThroughUnchangedAndRememberedAsLogged() {
        assertThat(directory.normalize("12#34*")).isEqualTo("12#34*");
        assertThat(UnparsableNumbers.SHARED.wasLogged("12#34*")).isTrue();
        assertThat(directory.normalize("alice")).isEqualTo("alice");
        assertThat(UnparsableNumbers.SHARED.wasLogged("alice")).as("a name is not a number").isFalse();
        assertThat(UnparsableNumbers.SHARED.wasLogged("+358401234567")).isFalse();
    }

    @Test
    void aPortInTheDirectoryMustMatch() {
        assertThat(directory.deviceByUri("sip:alice.desk@ACME.example:5062;transport=tcp"))
                .contains(new DeviceOwner(ALICE, ALICE_DESK));
    }

    @Test
    void normalizeTriesTheFirstOrganizationsRegionFirst() {
        assertThat(directory.regions()).containsExactly("FI", "SE");
        assertThat(directory.normalize("040 123 4567")).isEqualTo("+358401234567");
        assertThat(directory.normalize("+46 70 123 45 67")).isEqualTo("+46701234567");
        assertThat(directory.normalize("alice")).isEqualTo("alice");
        assertThat(directory.normalize("12")).isEqualTo("12");
    }

    @Test
    void anEmptyDirectoryStillNormalizesInternationalNumbers() {
        StaticDirectory empty = new StaticDirectory(DirectoryData.EMPTY);
        assertThat(empty.normalize("+358 40 123 4567")).isEqualTo("+358401234567");
        assertThat(empty.normalize("0401234567")).isEqualTo("0401234567");
    }

    @Test
    void dataClaimingANumberTwiceIsRefused() {
        DirectoryData twice = new DirectoryData(DirectoryFixtures.data().organizations(), List.of(ALICE),
                List.of(new FunctionNumber("acme", "+358401234567", FunctionNumber.Kind.IVR, List.of())));
        assertThatThrownBy(() -> new StaticDirectory(twice)).hasMessage("duplicate number: +358401234567");
    }
}
