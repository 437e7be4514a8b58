package io.callhook.directory;

import io.callhook.config.ConfigException;
import io.callhook.config.ConfigProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileDirectorySourceTest {

    private static final String ALICE = """
            organizations:
              - id: acme
                default_region: FI
                webhook: { url: https://crm.example.com/hooks }
                users:
                  - { user_id: alice, numbers: ["0401234567"], devices: [{ type: SOFT, aor: "sip:alice@acme.example" }] }
            """;
    private static final String BOB = ALICE.replace("alice", "bob").replace("0401234567", "0407654321");
    private static final String BROKEN = ALICE.replace("type: SOFT", "type: PHONE");

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("directory.yaml");
    }

    /** Writes {@code yaml} and moves the modification time on, so a change is seen even within one clock tick. */
    private void write(String yaml) throws IOException {
        FileTime before = Files.exists(file()) ? Files.getLastModifiedTime(file()) : FileTime.fromMillis(0);
        Files.writeString(file(), yaml);
        Files.setLastModifiedTime(file(), FileTime.fromMillis(before.toMillis() + 2000));
    }

    @Test
    void aReloadSwapsInTheNewData() throws Exception {
        write(ALICE);
        FileDirectorySource source = FileDirectorySource.load(file());
        assertThat(source.userByNumber("+358401234567")).isPresent();

        write(BOB);
        assertThat(source.reload()).isEmpty();

        assertThat(source.userByNumber("+358401234567")).isEmpty();
        assertThat(source.userByNumber("+358407654321").orElseThrow().userId()).isEqualTo("bob");
        assertThat(source.deviceByUri("sip:bob@acme.example")).isPresent();
        assertThat(source.version()).isEqualTo(1);
    }

    @Test
    void aBrokenFileKeepsThePreviousDataAndReturnsItsProblems() throws Exception {
        write(ALICE);
        FileDirectorySource source = FileDirectorySource.load(file());

        write(BROKEN);
        assertThat(source.reload()).extracting(ConfigProblem::toString).containsExactly(file()
                + ":6: organizations[0].users[0].devices[0].type: unknown device type \"PHONE\": use MOBILE, SOFT, "
                + "DESKTOP, FXS, EXTERNAL_PBX, FAX, VOICEMAIL, EXTERNAL, MOBILE_EXT, CONFERENCE, QUEUE, MOBILE_VOIP or WEB");

        assertThat(source.user("alice")).isPresent();
        assertThat(source.version()).isZero();
    }

    @Test
    void aDeletedFileKeepsThePreviousData() throws Exception {
        write(ALICE);
        FileDirectorySource source = FileDirectorySource.load(file());
        Files.delete(file());

        assertThat(source.reloadIfChanged()).extracting(ConfigProblem::key).containsExactly("file");
        assertThat(source.user("alice")).isPresent();
    }

    @Test
    void reloadIfChangedReadsTheFileOnlyWhenItChangedAndReportsABrokenOneOnce() throws Exception {
        write(ALICE);
        FileDirectorySource source = FileDirectorySource.load(file());
        assertThat(source.reloadIfChanged()).isEmpty();
        assertThat(source.version()).isZero();

        write(BROKEN);
        assertThat(source.reloadIfChanged()).hasSize(1);
        assertThat(source.reloadIfChanged()).isEmpty();
        assertThat(source.user("alice")).isPresent();

        write(BOB);
        assertThat(source.reloadIfChanged()).isEmpty();
        assertThat(source.user("bob")).isPresent();
        assertThat(source.version()).isEqualTo(1);
    }

    @Test
    void aBrokenFileIsRefusedAtStart() throws IOException {
        write(BROKEN);
        assertThatThrownBy(() -> FileDirectorySource.load(file())).isInstanceOf(ConfigException.class);
    }

    @Test
    void theFileDirectoryOfTheAppAnswersFromItsCacheAndSeesReloads() throws Exception {
        write(ALICE);
        AtomicLong nanos = new AtomicLong();
        ReloadableDirectory directory = Directories.fromFile(file(), 1000, Duration.ofHours(1), nanos::get);
        assertThat(directory.userByNumber(directory.normalize("040 123 4567"))).isPresent();

        write(BOB);
        assertThat(directory.reloadIfChanged()).isEmpty();

        assertThat(directory.userByNumber("+358401234567")).isEmpty();
        assertThat(directory.user("bob")).isPresent();
        assertThat(directory.deviceByUri("sip:bob@ACME.example;transport=tcp")).isPresent();
    }

    @Test
    void theShippedDirectoryServesTheDocumentedUser() throws ConfigException {
        ReloadableDirectory directory = Directories.fromFile(Path.of("config/directory.yaml"), 100, Duration.ofMinutes(5));

        User user = directory.userByNumber(directory.normalize("09 4272 1234")).orElseThrow();
        assertThat(user.userId()).isEqualTo("setera.test@seteratesting.fi");
        assertThat(directory.deviceByUri("sip:127.0.0.1:5070").orElseThrow().user()).isEqualTo(user);
        assertThat(directory.functionNumber("+358942720100").orElseThrow().members()).containsExactly(user.userId());
        assertThat(directory.organization("seteratesting")).isPresent();
    }
}
