package io.callhook.config;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A value at a dotted key path ({@code organizations[0].webhook.url}) of a {@link YamlDocument},
 * possibly absent. The typed accessors report what is wrong to the document (with this node's
 * 1-based line) and return an empty {@link Optional} instead of throwing.
 *
 * <p>An explicit YAML null ({@code key:} with nothing after it, {@code ~}, {@code null}) counts as absent.
 */
public final class YamlNode {

    private final YamlDocument doc;
    private final Node node;          // null when absent
    private final String path;
    private final int line;           // where the value starts, or where it should have been
    private final int keyLine;        // the line of the key that introduced this value
    private final boolean quiet;      // absent because its parent was broken: "required" is noise

    private YamlNode(YamlDocument doc, Node node, String path, int keyLine, boolean quiet) {
        this.doc = doc;
        this.node = isNull(node) ? null : node;
        this.path = path;
        this.keyLine = keyLine;
        this.line = this.node == null ? keyLine : lineOf(this.node, keyLine);
        this.quiet = quiet;
    }

    static YamlNode root(YamlDocument doc, Node node, boolean quiet) {
        return new YamlNode(doc, node, "", node == null ? 1 : lineOf(node, 1), quiet);
    }

    /** The dotted key path, {@code ""} for the top level. */
    public String path() {
        return path;
    }

    /** The 1-based line of the value, or of its key when the value is absent. */
    public int line() {
        return line;
    }

    public boolean isPresent() {
        return node != null;
    }

    public boolean isList() {
        return node instanceof SequenceNode;
    }

    /** Records a problem about this value: {@code file:line: path: message}. */
    public void problem(String message) {
        doc.report(path, line, message);
    }

    /** The value under {@code key} of this mapping (absent when missing; a problem when this is no mapping). */
    public YamlNode get(String key) {
        String childPath = path.isEmpty() ? key : path + "." + key;
        if (node == null) {
            return new YamlNode(doc, null, childPath, keyLine, quiet);
        }
        if (!(node instanceof MappingNode mapping)) {
            problem(notA("a mapping of keys to values"));
            return new YamlNode(doc, null, childPath, line, true);
        }
        for (NodeTuple t : mapping.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return new YamlNode(doc, t.getValueNode(), childPath, lineOf(k, line), false);
            }
        }
        return new YamlNode(doc, null, childPath, keyLine, quiet);
    }

    /**
     * Reports keys of this mapping other than {@code allowed} as {@code unknown key}, and keys given
     * twice as {@code duplicate key}. Call once per mapping.
     */
    public void allowKeys(String... allowed) {
        allowKeys(Arrays.asList(allowed), "unknown key");
    }

    /** As {@link #allowKeys(String...)}, with {@code unknownMessage} for keys not in {@code allowed}. */
    public void allowKeys(Collection<String> allowed, String unknownMessage) {
        if (node == null) {
            return;
        }
        if (!(node instanceof MappingNode mapping)) {
            problem(notA("a mapping of keys to values"));
            return;
        }
        Map<String, Integer> seen = new HashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            int kl = lineOf(t.getKeyNode(), line);
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                doc.report(path, kl, "keys must be plain names");
                continue;
            }
            String childPath = path.isEmpty() ? k.getValue() : path + "." + k.getValue();
            Integer first = seen.putIfAbsent(k.getValue(), kl);
            if (first != null) {
                doc.report(childPath, kl, "duplicate key (first at line " + first + ")");
            } else if (!allowed.contains(k.getValue())) {
                doc.report(childPath, kl, unknownMessage);
            }
        }
    }

    /** The keys of this mapping, in order; empty when absent, a problem when this is not a mapping. */
    public List<String> keys() {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof MappingNode mapping)) {
            problem(notA("a mapping of keys to values"));
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        for (NodeTuple t : mapping.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k) {
                keys.add(k.getValue());
            }
        }
        return keys;
    }

    /** The items of this list; empty when absent, a problem when this is not a list. */
    public List<YamlNode> list() {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof SequenceNode seq)) {
            problem(notA("a list"));
            return List.of();
        }
        List<YamlNode> items = new ArrayList<>();
        List<Node> values = seq.getValue();
        for (int i = 0; i < values.size(); i++) {
            Node item = values.get(i);
            items.add(new YamlNode(doc, item, path + "[" + i + "]", lineOf(item, line), false));
        }
        return items;
    }

    /** A problem saying the value is required, unless it is present (or its parent was already wrong). */
    public boolean require() {
        if (node == null && !quiet) {
            problem("required");
        }
        return node != null;
    }

    /** The scalar as written; a problem when this is a list or a mapping. */
    public Optional<String> text() {
        if (node == null) {
            return Optional.empty();
        }
        if (node instanceof ScalarNode s) {
            return Optional.of(s.getValue());
        }
        problem(notA("a single value"));
        return Optional.empty();
    }

    /** As {@link #text()}, but missing or blank is a problem ({@code required}). */
    public Optional<String> requiredText() {
        if (!require()) {
            return Optional.empty();
        }
        Optional<String> text = text();
        if (text.isPresent() && text.get().isBlank()) {
            problem("required, and must not be empty");
            return Optional.empty();
        }
        return text;
    }

    /**
     * The value, stripped, as a file system path; a problem when the platform cannot make a path of
     * it (a NUL character, which YAML writes as {@code "\0"}).
     */
    public Optional<Path> filePath() {
        return text().map(String::strip).flatMap(t -> {
            try {
                return Optional.of(Path.of(t));
            } catch (InvalidPathException e) {
                problem("not a usable file path (" + e.getReason() + "): " + t);
                return Optional.empty();
            }
        });
    }

    public Optional<Boolean> bool() {
        return text().flatMap(t -> {
            if (t.equalsIgnoreCase("true")) return Optional.of(true);
            if (t.equalsIgnoreCase("false")) return Optional.of(false);
            problem("must be true or false: " + t);
            return Optional.empty();
        });
    }

    public boolean bool(boolean absent) {
        return bool().orElse(absent);
    }

    /** A whole number in {@code min..max}. */
    public Optional<Integer> integer(int min, int max) {
        return text().flatMap(t -> {
            long value;
            try {
                value = Long.parseLong(t.strip());
            } catch (NumberFormatException e) {
                problem("must be a whole number: " + t);
                return Optional.empty();
            }
            if (value < min || value > max) {
                problem("must be " + min + ".." + max + ": " + t);
                return Optional.empty();
            }
            return Optional.of((int) value);
        });
    }

    /** A positive duration such as {@code 60s} (see {@link Durations}). */
    public Optional<Duration> duration() {
        return text().flatMap(t -> {
            Duration d;
            try {
                d = Durations.parse(t);
            } catch (IllegalArgumentException e) {
                problem(e.getMessage());
                return Optional.empty();
            }
            if (d.isZero()) {
                problem("must be more than 0: " + t);
                return Optional.empty();
            }
            return Optional.of(d);
        });
    }

    public Duration duration(Duration absent) {
        return isPresent() ? duration().orElse(absent) : absent;
    }

    /**
     * One of the constants of {@code type}, by name, ignoring case; otherwise
     * {@code unknown <what> "X": use A, B or C}.
     */
    public <E extends Enum<E>> Optional<E> oneOf(Class<E> type, String what) {
        return text().flatMap(t -> {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(t.strip())) {
                    return Optional.of(e);
                }
            }
            problem("unknown " + what + " \"" + t + "\": use " + choices(type.getEnumConstants()));
            return Optional.empty();
        });
    }

    /** {@code A, B or C}. */
    static String choices(Object[] values) {
        List<String> names = Arrays.stream(values).map(String::valueOf).collect(Collectors.toList());
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    private String notA(String expected) {
        String actual = node instanceof SequenceNode ? "a list"
                : node instanceof MappingNode ? "a mapping"
                : "\"" + ((ScalarNode) node).getValue() + "\"";
        return "must be " + expected + ", not " + actual;
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    private static int lineOf(Node node, int fallback) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(fallback);
    }

    @Override
    public String toString() {
        return (path.isEmpty() ? YamlDocument.TOP_LEVEL : path) + " (line " + line + ")"
                + (node == null ? " absent" : "");
    }

}
