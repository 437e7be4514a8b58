package io.callhook.directory;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.callhook.config.ConfigException;
import io.callhook.config.ConfigProblems;
import io.callhook.config.YamlDocument;
import io.callhook.testing.FuzzBudget;

import java.nio.charset.StandardCharsets;

/**
 * Issue 6: any {@code directory.yaml} text (the file, or an HTTP source's answer, read by the same
 * loader) is either a directory callhook can serve or a refusal listing {@code file:line: key:
 * message} problems, one line each — never another exception, never a hang.
 *
 * <p>Seeds: {@code src/test/resources/io/callhook/directory/DirectoryLoaderFuzzTestInputs/…} (the
 * shipped and test directories, the README's HTTP answer, small broken variants). Fuzz for real with
 * {@code JAZZER_FUZZ=1 mvn -B -o test -Dtest=DirectoryLoaderFuzzTest}. An input that takes longer
 * than {@link FuzzBudget#PER_INPUT} is a finding too.
 */
class DirectoryLoaderFuzzTest {

    static final int MAX_INPUT_BYTES = 32 * 1024;

    @FuzzTest(maxDuration = "3m")
    void anyTextIsADirectoryOrAListOfProblems(byte[] input) {
        if (input.length > MAX_INPUT_BYTES) {
            return;
        }
        long start = System.nanoTime();
        YamlDocument doc = YamlDocument.parse("directory.yaml", new String(input, StandardCharsets.UTF_8));
        DirectoryData data = DirectoryLoader.read(doc);
        FuzzBudget.check(start, "loading the directory");
        try {
            doc.throwIfProblems();
        } catch (ConfigException refused) {
            ConfigProblems.assertWellFormed(refused, "directory.yaml");
            return;
        }
        new StaticDirectory(data); // what the file and HTTP sources do with an accepted directory: must not throw
    }
}
