package io.callhook.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.callhook.testing.FuzzBudget;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6: any {@code callhook.yaml} text is either a configuration or a refusal listing
 * {@code file:line: key: message} problems, one line each — never another exception, never a hang.
 *
 * <p>Seeds: {@code src/test/resources/io/callhook/config/ConfigLoaderFuzzTestInputs/…} (the shipped
 * file, the README and SPEC examples, small broken variants). Fuzz for real with
 * {@code JAZZER_FUZZ=1 mvn -B -o test -Dtest=ConfigLoaderFuzzTest}. An input that takes longer than
 * {@link FuzzBudget#PER_INPUT} is a finding too.
 */
class ConfigLoaderFuzzTest {

    /** Bigger than any real configuration; longer inputs only slow the fuzzer down. */
    static final int MAX_INPUT_BYTES = 16 * 1024;

    @FuzzTest(maxDuration = "3m")
    void anyTextIsAConfigurationOrAListOfProblems(byte[] input) {
        if (input.length > MAX_INPUT_BYTES) {
            return;
        }
        String text = new String(input, StandardCharsets.UTF_8);
        long start = System.nanoTime();
        try {
            CallhookConfig config = ConfigLoader.load(YamlDocument.parse("callhook.yaml", text));
            assertThat(config.sip().listen()).as("a valid configuration listens somewhere").isNotEmpty();
        } catch (ConfigException refused) {
            ConfigProblems.assertWellFormed(refused, "callhook.yaml");
        }
        FuzzBudget.check(start, "loading the configuration");
    }
}
