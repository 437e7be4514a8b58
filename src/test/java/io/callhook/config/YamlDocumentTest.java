package io.callhook.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class YamlDocumentTest {

    private static List<String> problems(YamlDocument doc) {
        return doc.problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void nestedValuesAreReadWithTheirDottedPathAndLine() {
        YamlDocument doc = YamlDocument.parse("x.yaml", """
                a:
                  b:
                    - name: one
                    - name: two
                """);
        YamlNode second = doc.root().get("a").get("b").list().get(1).get("name");
        assertThat(second.text()).contains("two");
        assertThat(second.path()).isEqualTo("a.b[1].name");
        assertThat(second.line()).isEqualTo(4);
        assertThat(doc.problems()).isEmpty();
    }

    @Test
    void unknownKeysAndDuplicateKeysAreReportedAtTheKeysLine() {
        YamlDocument doc = YamlDocument.parse("x.yaml", """
                a:
                  known: 1
                  typo: 2
                  known: 3
                """);
        doc.root().allowKeys("a");
        doc.root().get("a").allowKeys("known");
        assertThat(problems(doc)).containsExactly(
                "x.yaml:3: a.typo: unknown key",
                "x.yaml:4: a.known: duplicate key (first at line 2)");
    }

    @Test
    void aWrongTypeSaysWhatWasExpectedAndWhatWasFound() {
        YamlDocument doc = YamlDocument.parse("x.yaml", """
                list: just-a-string
                map: [1, 2]
                flag: yes
                count: many
                """);
        assertThat(doc.root().get("list").list()).isEmpty();
        doc.root().get("map").get("child");
        doc.root().get("flag").bool();
        doc.root().get("count").integer(0, 10);
        assertThat(problems(doc)).containsExactly(
                "x.yaml:1: list: must be a list, not \"just-a-string\"",
                "x.yaml:2: map: must be a mapping of keys to values, not a list",
                "x.yaml:3: flag: must be true or false: yes",
                "x.yaml:4: count: must be a whole number: many");
    }

    @Test
    void aMissingRequiredValueIsReportedAtItsParentsLine() {
        YamlDocument doc = YamlDocument.parse("x.yaml", """
                top: 1
                section:
                  other: 2
                empty:
                """);
        doc.root().get("section").get("needed").requiredText();
        doc.root().get("empty").requiredText();
        assertThat(problems(doc)).containsExactly(
                "x.yaml:2: section.needed: required",
                "x.yaml:4: empty: required");
    }

    @Test
    void childrenOfAWronglyTypedValueAreNotReportedMissingToo() {
        YamlDocument doc = YamlDocument.parse("x.yaml", "section: oops\n");
        doc.root().get("section").get("needed").requiredText();
        assertThat(problems(doc)).containsExactly(
                "x.yaml:1: section: must be a mapping of keys to values, not \"oops\"");
    }

    @Test
    void durationsAreCheckedAndMustBePositive() {
        YamlDocument doc = YamlDocument.parse("x.yaml", """
                good: 90s
                bad: 6x
                zero: 0s
                """);
        assertThat(doc.root().get("good").duration()).contains(Duration.ofSeconds(90));
        assertThat(doc.root().get("absent").duration(Duration.ofMinutes(1))).isEqualTo(Duration.ofMinutes(1));
        doc.root().get("bad").duration();
        doc.root().get("zero").duration();
        assertThat(problems(doc)).containsExactly(
                "x.yaml:2: bad: bad duration \"6x\": use a number and ms, s, m, h or d",
                "x.yaml:3: zero: must be more than 0: 0s");
    }

    @Test
    void anEnumValueListsTheAllowedNamesWhenWrong() {
        enum Colour { RED, GREEN, BLUE }
        YamlDocument doc = YamlDocument.parse("x.yaml", "a: red\nb: PURPLE\n");
        assertThat(doc.root().get("a").oneOf(Colour.class, "colour")).contains(Colour.RED);
        assertThat(doc.root().get("b").oneOf(Colour.class, "colour")).isEmpty();
        assertThat(problems(doc)).containsExactly("x.yaml:2: b: unknown colour \"PURPLE\": use RED, GREEN or BLUE");
    }

    @Test
    void aSyntaxErrorIsOneProblemWithItsLine() {
        YamlDocument doc = YamlDocument.parse("x.yaml", """
                a: 1
                b: [1, 2
                c: 3
                """);
        doc.root().get("a").requiredText();
        assertThat(doc.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("x.yaml");
            assertThat(p.key()).isEqualTo("yaml");
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).startsWith("syntax error: ");
        });
    }

    @Test
    void aMissingFileIsAProblemOfTheWholeFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        YamlDocument doc = YamlDocument.parse(missing);
        doc.root().get("a").requiredText();
        assertThat(problems(doc)).containsExactly(missing + ":0: file: no such file: " + missing);
    }

    @Test
    void throwIfProblemsCarriesEveryProblemInLineOrder() {
        YamlDocument doc = YamlDocument.parse("x.yaml", "a: x\nb: y\n");
        doc.root().get("b").integer(0, 1);
        doc.root().get("a").integer(0, 1);
        try {
            doc.throwIfProblems();
        } catch (ConfigException e) {
            assertThat(e.problems()).extracting(ConfigProblem::line).containsExactly(1, 2);
            assertThat(e.getMessage()).isEqualTo("x.yaml:1: a: must be a whole number: x\n"
                    + "x.yaml:2: b: must be a whole number: y");
            return;
        }
        throw new AssertionError("expected a ConfigException");
    }
}
