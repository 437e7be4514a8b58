package io.callhook.config;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One YAML file, parsed into line-numbered nodes, plus the problems found while reading it.
 * Reading never throws: a syntax error, a wrong type or a missing key becomes a {@link ConfigProblem}
 * ({@code file:line: key: message}), so a loader can report every problem at once and then
 * {@link #throwIfProblems()}. A problem about the whole file (it cannot be read) has line 0.
 *
 * <p>Not thread-safe: one loader reads one document on one thread.
 */
public final class YamlDocument {

    /** The key printed for problems that concern the top level of the document. */
    static final String TOP_LEVEL = "(top level)";

    /**
     * Lists and mappings nested deeper than this are refused before the document is composed: the
     * YAML library composes nodes recursively and overflows the stack at a few thousand levels
     * (found by fuzzing), while its parser, which streams events, does not. No callhook file nests
     * more than six.
     */
    static final int MAX_DEPTH = 64;

    private final String file;
    private final Set<ConfigProblem> problems = new LinkedHashSet<>();
    private final YamlNode root;

    private YamlDocument(String file, String text) {
        this.file = file;
        this.root = compose(text);
    }

    private YamlDocument(String file, ConfigProblem unreadable) {
        this.file = file;
        this.problems.add(unreadable);
        this.root = YamlNode.root(this, null, true);
    }

    /** Reads and parses {@code file}; the problems carry {@code file} as it was given. */
    public static YamlDocument parse(Path file) {
        String name = file.toString();
        try {
            return new YamlDocument(name, Files.readString(file));
        } catch (NoSuchFileException e) {
            return new YamlDocument(name, new ConfigProblem(name, 0, "file", "no such file: " + name));
        } catch (CharacterCodingException e) {
            return new YamlDocument(name, new ConfigProblem(name, 0, "file", "not UTF-8 text: " + name));
        } catch (IOException e) {
            return new YamlDocument(name, new ConfigProblem(name, 0, "file", "cannot read: " + e));
        }
    }

    /** Parses YAML text that came from {@code fileName} (tests, or a file read elsewhere). */
    public static YamlDocument parse(String fileName, String yaml) {
        return new YamlDocument(fileName, yaml);
    }

    /** The file name as given, the first part of every problem. */
    public String file() {
        return file;
    }

    /** The top-level mapping (absent when the file is empty or broken). */
    public YamlNode root() {
        return root;
    }

    /** Every problem found so far, by line. */
    public List<ConfigProblem> problems() {
        List<ConfigProblem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt(ConfigProblem::line));
        return List.copyOf(sorted);
    }

    public boolean hasProblems() {
        return !problems.isEmpty();
    }

    public void throwIfProblems() throws ConfigException {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems());
        }
    }

    void report(String key, int line, String message) {
        problems.add(new ConfigProblem(file, line, key.isEmpty() ? TOP_LEVEL : key, message));
    }

    /** The first list or mapping start deeper than {@link #MAX_DEPTH}, from the parser's event stream. */
    private static Optional<Event> firstTooDeep(LoadSettings settings, String text) {
        int depth = 0;
        for (Event e : new Parse(settings).parseString(text)) {
            if (e instanceof CollectionStartEvent && ++depth > MAX_DEPTH) {
                return Optional.of(e);
            }
            if (e instanceof CollectionEndEvent) {
                depth--;
            }
        }
        return Optional.empty();
    }

    private YamlNode compose(String text) {
        LoadSettings settings = LoadSettings.builder().setLabel(file).setSchema(new CoreSchema()).build();
        try {
            Optional<Event> tooDeep = firstTooDeep(settings, text);
            if (tooDeep.isPresent()) {
                report("yaml", tooDeep.get().getStartMark().map(m -> m.getLine() + 1).orElse(0),
                        "nested deeper than " + MAX_DEPTH + " levels");
                return YamlNode.root(this, null, true);
            }
            Optional<Node> node = new Compose(settings).composeString(text);
            return YamlNode.root(this, node.orElse(null), false);
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(Mark::getLine).map(l -> l + 1).orElse(0);
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem().strip();
            if (e.getContext() != null && !e.getContext().isBlank() && e.getProblem() != null) {
                problem = e.getContext().strip() + ", " + problem;   // "while parsing a flow sequence, expected ','…"
            }
            report("yaml", line, "syntax error: " + problem);
            return YamlNode.root(this, null, true);
        } catch (YamlEngineException e) {
            report("yaml", 0, "syntax error: " + e.getMessage());
            return YamlNode.root(this, null, true);
        } catch (IllegalArgumentException e) {
            // Not every refusal of the parser is a YamlEngineException: a tag such as "!%10" (a
            // control character once decoded) is refused by Tag's constructor. Found by fuzzing.
            report("yaml", 0, "syntax error: " + e.getMessage());
            return YamlNode.root(this, null, true);
        }
    }
}
