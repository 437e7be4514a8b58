package io.callhook.directory;

import io.callhook.config.YamlDocument;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's HTTP directory answer is a valid answer (house rule 11: docs that compile). */
class ReadmeExampleTest {

    @Test
    void theReadmesHttpDirectoryAnswerIsValid() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("## HTTP directory source");
        int start = readme.indexOf("```json\n", section) + "```json\n".length();
        String json = readme.substring(start, readme.indexOf("```", start));
        YamlDocument doc = YamlDocument.parse("README.md", json);
        DirectoryData data = DirectoryLoader.read(doc);
        assertThat(doc.problems()).isEmpty();
        StaticDirectory answer = new StaticDirectory(data);
        assertThat(answer.userByNumber("+358401234567")).isPresent();
        assertThat(answer.deviceByAuthUser("acme.example", "alice")).isPresent();
        assertThat(answer.organization("acme").orElseThrow().privacy().remoteNumber().digits()).isEqualTo(4);
    }
}
