package io.callhook.config;

import static org.assertj.core.api.Assertions.assertThat;

/** What every refusal must look like: at least one problem, each {@code file:line: key: message} on one line. */
public final class ConfigProblems {

    private ConfigProblems() {}

    public static void assertWellFormed(ConfigException refused, String file) {
        assertThat(refused.problems()).as("a refusal names its problems").isNotEmpty();
        for (ConfigProblem p : refused.problems()) {
            assertThat(p.file()).isEqualTo(file);
            assertThat(p.line()).as("line of %s", p).isNotNegative();
            assertThat(p.key()).as("key of %s", p).isNotBlank();
            assertThat(p.message()).as("message of %s", p).isNotBlank();
            assertThat(p.toString()).as("one line per problem").doesNotContain("\n", "\r")
                    .startsWith(file + ":" + p.line() + ": ");
        }
    }
}
