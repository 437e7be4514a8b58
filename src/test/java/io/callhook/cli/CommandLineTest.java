package io.callhook.cli;

import io.callhook.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI contract of SPEC §7: commands, exit codes, and {@code file:line: key: message} errors. */
class CommandLineTest {

    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void checkConfigAcceptsTheShippedFiles() {
        Result r = run("check-config", "--config", "config/callhook.yaml");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("config/callhook.yaml: OK").contains("config/directory.yaml: OK");
    }

    @Test
    void checkConfigRefusesABrokenFileWithFileLineKeyMessageAndExit2() throws Exception {
        Path config = dir.resolve("callhook.yaml");
        Files.writeString(config, """
                sip:
                  listen: ["udp:127.0.0.1:5060"]
                  no_answer_timeout: sixty
                  colour: blue
                directory:
                  file: config/directory.yaml
                """);

        Result r = run("check-config", "--config", config.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines()).contains(
                config + ":3: sip.no_answer_timeout: bad duration \"sixty\": use a number and ms, s, m, h or d",
                config + ":4: sip.colour: unknown key");
    }

    @Test
    void checkConfigAcceptsAnHttpDirectorySourceWithoutContactingItAndReportsItsProblems() throws Exception {
        Path config = dir.resolve("callhook.yaml");
        Files.writeString(config, """
                sip:
                  listen: ["udp:127.0.0.1:5060"]
                directory:
                  http: { url: "https://provisioning.invalid/callhook/v1", miss_wait: 50ms }
                """);
        Result ok = run("check-config", "--config", config.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains(config + ": OK");

        Files.writeString(config, """
                sip:
                  listen: ["udp:127.0.0.1:5060"]
                directory:
                  http:
                    url: "http://provisioning.invalid/callhook/v1"
                    headers: { Authorization: }
                """);
        Result bad = run("check-config", "--config", config.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err().lines()).containsExactly(
                config + ":5: directory.http.url: http:// needs allow_insecure_http: true",
                config + ":6: directory.http.headers.Authorization: required");
    }

    @Test
    void checkConfigReportsProblemsInTheDirectoryItNames() throws Exception {
        Path directory = dir.resolve("directory.yaml");
        Files.writeString(directory, """
                organizations:
                  - id: acme
                    default_region: FI
                    webhook:
                      url: http://crm.example.com/hook
                    users: []
                """);
        Path config = dir.resolve("callhook.yaml");
        Files.writeString(config, "sip:\n  listen: [\"udp:127.0.0.1:5060\"]\ndirectory:\n  file: " + directory + "\n");

        Result r = run("check-config", "--config", config.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(directory + ":5: organizations[0].webhook.url: ");
    }

    @Test
    void runRefusesABadConfigWithExit2BeforeStartingAnything() throws Exception {
        Path config = dir.resolve("callhook.yaml");
        Files.writeString(config, "sip:\n  listen: [\"carrier-pigeon:1.2.3.4:5\"]\ndirectory:\n  file: nowhere.yaml\n");

        Result r = run("run", "--config", config.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith(config + ":2: sip.listen");
    }

    @Test
    void aMissingConfigFileIsAConfigurationError() {
        Result r = run("check-config", "--config", dir.resolve("absent.yaml").toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("absent.yaml:0:");
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] args : new String[][] {{"--help"}, {"run", "--help"}, {"check-config", "--help"}, {"demo", "--help"}}) {
            Result r = run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).as(String.join(" ", args)).contains("Usage:");
        }
        assertThat(run("--help").out()).contains("run", "check-config", "demo");
    }

    @Test
    void anUnknownCommandOrOptionIsAUsageErrorWithExit2() {
        assertThat(run("frobnicate").exit()).isEqualTo(2);
        assertThat(run("check-config", "--no-such-option").exit()).isEqualTo(2);
    }
}
