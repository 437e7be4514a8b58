package io.callhook.directory;

import io.callhook.call.DeviceType;
import io.callhook.call.LegState;
import io.callhook.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class DirectoryLoaderTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("directory.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** Every problem of {@code yaml}, as {@code check-config} prints them, with the file name as {@code f}. */
    private List<String> problems(String yaml) throws IOException {
        Path file = write(yaml);
        try {
            DirectoryLoader.load(file);
        } catch (ConfigException e) {
            return e.problems().stream().map(p -> p.toString().replace(file.toString(), "f")).toList();
        }
        return List.of();
    }

    /** A valid organization whose webhook block ends at line 5; {@code more} starts at line 6, indented 4. */
    private static String org(String more) {
        return """
                organizations:
                  - id: acme
                    default_region: FI
                    webhook:
                      url: https://crm.example.com/hooks
                """ + more.indent(4);
    }

    /**
     * The directory side of the NUL-in-a-path finding (see ConfigLoaderTest): a webhook's
     * {@code ca_file} with a NUL made the file or HTTP source's load throw InvalidPathException.
     */
    @Test
    void aCaFileWithANulCharacterIsAProblemNotAnException() throws IOException {
        assertThat(problems(org("""
                  ca_file: "crm-ca.pem\\0"
                """))).containsExactly(
                "f:6: organizations[0].webhook.ca_file: not a usable file path (Nul character not allowed): crm-ca.pem\\u0000");
    }

    @Test
    void theShippedDirectoryLoadsWithoutProblems() throws ConfigException {
        DirectoryData data = DirectoryLoader.load(Path.of("config/directory.yaml"));

        assertThat(data.organizations()).singleElement().satisfies(org -> {
            assertThat(org.id()).isEqualTo("seteratesting");
            assertThat(org.defaultRegion()).isEqualTo("FI");
            Webhook w = org.webhook();
            assertThat(w.url()).isEqualTo(URI.create("https://127.0.0.1:8443/hooks/calls"));
            assertThat(w.secret()).isNull();
            assertThat(w.caFile()).isNull();
            assertThat(w.allowInsecureHttp()).isFalse();
            assertThat(w.states()).isEqualTo(Webhook.DEFAULT_STATES);
            assertThat(w.timeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(w.maxAge()).isEqualTo(Duration.ofHours(24));
            assertThat(w.retrySchedule()).isEqualTo(Webhook.DEFAULT_RETRY_SCHEDULE);
            assertThat(org.privacy()).isEqualTo(new PrivacyOptions(FieldPrivacy.KEEP, FieldPrivacy.REMOVE,
                    FieldPrivacy.mask(4), FieldPrivacy.KEEP, FieldPrivacy.KEEP, FieldPrivacy.KEEP, FieldPrivacy.mask(4)));
        });
        assertThat(data.users()).singleElement().satisfies(user -> {
            assertThat(user.organizationId()).isEqualTo("seteratesting");
            assertThat(user.userId()).isEqualTo("setera.test@seteratesting.fi");
            assertThat(user.email()).isEqualTo("setera.test@seteratesting.fi");
            assertThat(user.numbers()).containsExactly("+358942721234");
            assertThat(user.devices()).containsExactly(
                    new Device(DeviceType.SOFT, "sip:setera.test@seteratesting.fi", "sip:127.0.0.1:5070", null, null, null),
                    new Device(DeviceType.DESKTOP, "sip:setera.desk@seteratesting.fi", null, "setera.desk",
                            "seteratesting.fi", "5d2a3c1e0b5f4e2d8f6a7b9c0d1e2f3a"));
        });
        assertThat(data.functionNumbers()).containsExactly(
                new FunctionNumber("seteratesting", "+358942720000", FunctionNumber.Kind.IVR, List.of()),
                new FunctionNumber("seteratesting", "+358942720100", FunctionNumber.Kind.HUNT_GROUP,
                        List.of("setera.test@seteratesting.fi")));
    }

    @Test
    void theSpecExampleLoadsAsWrittenWithPrivacyInsideTheWebhook() throws Exception {
        Files.writeString(dir.resolve("crm-ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        DirectoryData data = DirectoryLoader.load(write("""
                organizations:
                  - id: seteratesting
                    default_region: FI
                    webhook:
                      url: https://crm.example.com/hooks/calls
                      secret: whsec_ZGVtby1zZWNyZXQtY2hhbmdlLW1l
                      states: [EARLY, CONFIRMED, TERMINATED]
                      ca_file: %s
                      allow_insecure_http: false
                      timeout: 10s
                      max_age: 24h
                      retry_schedule: [5s, 5m, 30m, 2h, 5h, 10h, 10h]
                      privacy: { local_number: keep, remote_number: "mask:4", device_type: keep }
                    users:
                      - user_id: setera.test@seteratesting.fi
                        email: setera.test@seteratesting.fi
                        numbers: ["+358942721234"]
                        devices:
                          - { type: SOFT, aor: "sip:setera.test@seteratesting.fi", contact: "sip:127.0.0.1:5070" }
                          - { type: DESKTOP, aor: "sip:setera.desk@seteratesting.fi", auth_user: setera.desk,
                              realm: seteratesting.fi, ha1: 5d2a3c1e0b5f4e2d8f6a7b9c0d1e2f3a }
                    function_numbers:
                      - { number: "+358942720000", kind: IVR }
                      - { number: "+358942720100", kind: HUNT_GROUP, members: [setera.test@seteratesting.fi] }
                """.formatted(dir.resolve("crm-ca.pem"))));

        Organization org = data.organizations().get(0);
        assertThat(org.webhook().secret()).isEqualTo("whsec_ZGVtby1zZWNyZXQtY2hhbmdlLW1l");
        assertThat(org.webhook().caFile()).isEqualTo(dir.resolve("crm-ca.pem"));
        assertThat(org.privacy().remoteNumber()).isEqualTo(FieldPrivacy.mask(4));
        assertThat(org.privacy().localNumber()).isEqualTo(FieldPrivacy.KEEP);
    }

    @Test
    void numbersWrittenNationallyAreStoredInE164AndRealmDefaultsToTheAorHost() throws Exception {
        DirectoryData data = DirectoryLoader.load(write(org("""
                privacy: { local_email: remove }
                users:
                  - user_id: alice
                    numbers: ["040 123 4567", "00358 9 4272 1000"]
                    devices:
                      - { type: mobile, aor: "sip:alice@Acme.example", auth_user: alice, ha1: 5D2A3C1E0B5F4E2D8F6A7B9C0D1E2F3A }
                function_numbers:
                  - { number: "09 4272 0100", kind: QUEUE, members: [alice] }
                """)));

        assertThat(data.users().get(0).numbers()).containsExactly("+358401234567", "+358942721000");
        assertThat(data.users().get(0).devices().get(0)).isEqualTo(new Device(DeviceType.MOBILE,
                "sip:alice@Acme.example", null, "alice", "acme.example", "5d2a3c1e0b5f4e2d8f6a7b9c0d1e2f3a"));
        assertThat(data.functionNumbers().get(0).number()).isEqualTo("+358942720100");
        assertThat(data.organizations().get(0).privacy().localEmail()).isEqualTo(FieldPrivacy.REMOVE);
        assertThat(data.organizations().get(0).webhook().states())
                .isEqualTo(Set.of(LegState.EARLY, LegState.CONFIRMED, LegState.TERMINATED));
    }

    @Test
    void anUnknownKeyIsReportedWithItsPathAndLine() throws IOException {
        assertThat(problems(org("""
                users:
                  - user_id: alice
                    phone: "+358401234567"
                """))).containsExactly("f:8: organizations[0].users[0].phone: unknown key");
    }

    @Test
    void aWebhookUrlThatIsNoUrlIsReported() throws IOException {
        assertThat(problems("""
                organizations:
                  - id: acme
                    default_region: FI
                    webhook: { url: "crm example com" }
                  - id: beta
                    default_region: FI
                    webhook: { url: "ftp://crm.example.com/x" }
                """)).containsExactly(
                "f:4: organizations[0].webhook.url: not a URL: crm example com",
                "f:7: organizations[1].webhook.url: must be an https:// URL with a host: ftp://crm.example.com/x");
    }

    @Test
    void plainHttpNeedsAllowInsecureHttp() throws IOException {
        assertThat(problems("""
                organizations:
                  - id: acme
                    default_region: FI
                    webhook:
                      url: http://crm.example.com/hooks
                  - id: beta
                    default_region: FI
                    webhook:
                      url: http://crm.example.com/hooks
                      allow_insecure_http: true
                """)).containsExactly("f:5: organizations[0].webhook.url: http:// needs allow_insecure_http: true");
    }

    @Test
    void aBadDurationIsReportedWithItsLine() throws IOException {
        assertThat(problems(org("""
                  timeout: 6x
                  retry_schedule: [5s, 5 min]
                """))).containsExactly(
                "f:6: organizations[0].webhook.timeout: bad duration \"6x\": use a number and ms, s, m, h or d",
                "f:7: organizations[0].webhook.retry_schedule[1]: bad duration \"5 min\": use a number and ms, s, m, h or d");
    }

    @Test
    void anUnknownStateListsTheKnownOnes() throws IOException {
        assertThat(problems(org("""
                  states: [EARLY, RINGING]
                """))).containsExactly("f:6: organizations[0].webhook.states[1]: unknown state \"RINGING\": "
                + "use TRYING, PROCEEDING, EARLY, CONFIRMED or TERMINATED");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "mask:0  | mask digits must be 1..15: 0",
            "mask:16 | mask digits must be 1..15: 16",
            "mask:22 | mask digits must be 1..15: 22",
            "mask:x  | mask digits must be 1..15: x",
            "hide    | use keep, remove or mask:N: hide"})
    void aBadNumberPrivacyValueNamesTheKey(String value, String message) throws IOException {
        assertThat(problems(org("""
                privacy:
                  local_number: "%s"
                """.formatted(value)))).containsExactly("f:7: organizations[0].privacy.local_number: " + message);
    }

    @Test
    void onlyNumbersCanBeMasked() throws IOException {
        assertThat(problems(org("""
                privacy: { device_type: "mask:4" }
                """))).containsExactly("f:6: organizations[0].privacy.device_type: use keep or remove: mask:4");
    }

    @Test
    void anUnknownPrivacyOptionNamesTheKey() throws IOException {
        assertThat(problems(org("""
                privacy:
                  local_phone: remove
                """))).containsExactly("f:7: organizations[0].privacy.local_phone: unknown privacy option: use "
                + "local_user_id, local_email, local_number, device_type, remote_user_id, remote_email, remote_number");
    }

    @Test
    void privacyMayNotBeGivenBothBesideAndInsideTheWebhook() throws IOException {
        assertThat(problems(org("""
                  privacy: { local_email: remove }
                privacy: { local_email: keep }
                """))).containsExactly(
                "f:6: organizations[0].webhook.privacy: privacy is given twice: here and at line 7");
    }

    @Test
    void anUnknownDeviceTypeListsTheKnownOnes() throws IOException {
        assertThat(problems(org("""
                users:
                  - user_id: alice
                    devices:
                      - { type: PHONE, aor: "sip:alice@acme.example" }
                """))).containsExactly("f:9: organizations[0].users[0].devices[0].type: unknown device type \"PHONE\": "
                + "use MOBILE, SOFT, DESKTOP, FXS, EXTERNAL_PBX, FAX, VOICEMAIL, EXTERNAL, MOBILE_EXT, CONFERENCE, "
                + "QUEUE, MOBILE_VOIP or WEB");
    }

    @Test
    void aDuplicateUserIsReportedAtTheSecondOneWithTheLineOfTheFirst() throws IOException {
        assertThat(problems(org("""
                users:
                  - user_id: alice
                  - user_id: bob
                  - user_id: alice
                """))).containsExactly(
                "f:9: organizations[0].users[2].user_id: duplicate user_id \"alice\" (first at line 7)");
    }

    @Test
    void aHuntGroupMemberMustBeAUserOfTheOrganization() throws IOException {
        assertThat(problems(org("""
                users:
                  - user_id: alice
                function_numbers:
                  - { number: "+358942720100", kind: HUNT_GROUP, members: [alice, bob] }
                """))).containsExactly(
                "f:9: organizations[0].function_numbers[0].members[1]: no user with user_id \"bob\" in organization acme");
    }

    @Test
    void numbersAndDeviceUrisMayBelongToOneOwnerOnly() throws IOException {
        assertThat(problems(org("""
                users:
                  - user_id: alice
                    numbers: ["+358401234567"]
                    devices: [{ type: SOFT, aor: "sip:alice@acme.example" }]
                  - user_id: bob
                    numbers: ["0401234567"]
                    devices: [{ type: SOFT, aor: "sip:alice@ACME.example" }]
                function_numbers:
                  - { number: "+358401234567", kind: IVR }
                """))).containsExactly(
                "f:11: organizations[0].users[1].numbers[0]: duplicate number +358401234567: already used by user alice (line 8)",
                "f:12: organizations[0].users[1].devices[0].aor: duplicate device URI sip:alice@acme.example: "
                        + "already used by a device of alice (line 9)",
                "f:14: organizations[0].function_numbers[0].number: duplicate number +358401234567: "
                        + "already used by user alice (line 8)");
    }

    @Test
    void anAuthUserMayBeUsedOncePerRealm() throws IOException {
        assertThat(problems(org("""
                users:
                  - user_id: alice
                    devices:
                      - { type: SOFT, aor: "sip:alice@acme.example", auth_user: alice, ha1: 5d2a3c1e0b5f4e2d8f6a7b9c0d1e2f3a }
                      - { type: DESKTOP, aor: "sip:alice.desk@acme.example", auth_user: alice, realm: other.example,
                          ha1: 5d2a3c1e0b5f4e2d8f6a7b9c0d1e2f3a }
                  - user_id: bob
                    devices:
                      - { type: SOFT, aor: "sip:bob@acme.example", auth_user: alice, realm: acme.example,
                          ha1: 5d2a3c1e0b5f4e2d8f6a7b9c0d1e2f3a }
                """))).containsExactly(
                "f:14: organizations[0].users[1].devices[0].auth_user: duplicate auth_user alice in realm acme.example: "
                        + "already used by a device of alice (line 9)");
    }

    @Test
    void anUnparsableUserNumberIsAConfigurationError() throws IOException {
        assertThat(problems(org("""
                users:
                  - user_id: alice
                    numbers: ["12", "alice", "+1"]
                """))).containsExactly(
                "f:8: organizations[0].users[0].numbers[0]: not a phone number in region FI: 12",
                "f:8: organizations[0].users[0].numbers[1]: not a phone number in region FI: alice",
                "f:8: organizations[0].users[0].numbers[2]: not a phone number in region FI: +1");
    }

    @Test
    void regionSecretCaFileAndDeviceFieldsAreChecked() throws IOException {
        assertThat(problems("""
                organizations:
                  - id: acme
                    default_region: XX
                    webhook:
                      url: https://crm.example.com/hooks
                      secret: ZGVtbw==
                      ca_file: config/no-such-ca.pem
                    users:
                      - user_id: alice
                        email: alice.example.com
                        devices:
                          - { type: SOFT, aor: "sip:acme.example", contact: "alice@10.0.0.1", ha1: abc }
                """)).containsExactly(
                "f:3: organizations[0].default_region: unknown region (use a two-letter ISO 3166 code, like FI): XX",
                "f:6: organizations[0].webhook.secret: must be whsec_ followed by base64 (value not shown)",
                "f:7: organizations[0].webhook.ca_file: no such readable file: config/no-such-ca.pem",
                "f:10: organizations[0].users[0].email: not an email address: alice.example.com",
                "f:12: organizations[0].users[0].devices[0].aor: must be a sip: URI with a user, like sip:alice@example.com: sip:acme.example",
                "f:12: organizations[0].users[0].devices[0].contact: must be a sip: URI like sip:192.0.2.10:5060: alice@10.0.0.1",
                "f:12: organizations[0].users[0].devices[0].ha1: must be 32 or 64 hex digits, MD5 or SHA-256 of user:realm:password (value not shown)",
                "f:12: organizations[0].users[0].devices[0].auth_user: required when ha1 is given");
    }

    @Test
    void missingRequiredFieldsAreEachReported() throws IOException {
        assertThat(problems("""
                organizations:
                  - default_region: FI
                    users:
                      - email: a@acme.example
                        devices: [{ aor: "sip:a@acme.example" }]
                    function_numbers:
                      - { kind: IVR }
                """)).containsExactly(
                "f:2: organizations[0].id: required",
                "f:2: organizations[0].webhook: required",
                "f:4: organizations[0].users[0].user_id: required",
                "f:5: organizations[0].users[0].devices[0].type: required",
                "f:7: organizations[0].function_numbers[0].number: required");
    }

    @Test
    void aYamlSyntaxErrorIsReportedWithItsLine() throws IOException {
        assertThat(problems("""
                organizations:
                  - id: acme
                    default_region: FI
                    webhook:
                      url: https://crm.example.com/hooks
                    users: [ { user_id: alice }
                """)).singleElement().asString().startsWith("f:7: yaml: syntax error: ");
    }

    @Test
    void severalProblemsInOneFileAreReportedTogether() {
        Path file = Path.of("src/test/resources/config/broken-directory.yaml");
        try {
            DirectoryLoader.load(file);
        } catch (ConfigException e) {
            assertThat(e.problems()).extracting(Object::toString).containsExactly(
                    file + ":6: organizations[0].webhook.url: http:// needs allow_insecure_http: true",
                    file + ":7: organizations[0].webhook.states[1]: unknown state \"ANSWERED\": "
                            + "use TRYING, PROCEEDING, EARLY, CONFIRMED or TERMINATED",
                    file + ":8: organizations[0].webhook.max_age: bad duration \"1 day\": use a number and ms, s, m, h or d",
                    file + ":10: organizations[0].privacy.remote_number: mask digits must be 1..15: 16",
                    file + ":11: organizations[0].privacy.caller_name: unknown privacy option: use local_user_id, "
                            + "local_email, local_number, device_type, remote_user_id, remote_email, remote_number",
                    file + ":15: organizations[0].users[0].devices[0].type: unknown device type \"DESK\": use MOBILE, "
                            + "SOFT, DESKTOP, FXS, EXTERNAL_PBX, FAX, VOICEMAIL, EXTERNAL, MOBILE_EXT, CONFERENCE, "
                            + "QUEUE, MOBILE_VOIP or WEB",
                    file + ":16: organizations[0].users[1].user_id: duplicate user_id \"alice@acme.example\" (first at line 13)",
                    file + ":20: organizations[0].function_numbers[0].members[0]: no user with user_id "
                            + "\"carol@acme.example\" in organization acme",
                    file + ":21: organizations[0].function_numbers[0].colour: unknown key");
            return;
        }
        throw new AssertionError("expected a ConfigException");
    }
}
