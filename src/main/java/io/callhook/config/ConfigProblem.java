package io.callhook.config;

/**
 * One thing wrong with a configuration file, printed as {@code file:line: key: message}, always on
 * one line: a key or a quoted value may hold line breaks or other control characters (YAML allows
 * them), and {@code check-config} prints, and logs record, one problem per line. They are written
 * as escapes ({@code \n}, {@code \t}, {@code \u0000}) instead.
 */
public record ConfigProblem(String file, int line, String key, String message) {

    public ConfigProblem {
        key = oneLine(key);
        message = oneLine(message);
    }

    @Override
    public String toString() {
        return file + ":" + line + ": " + key + ": " + message;
    }

    /** {@code text} with control characters and Unicode line separators escaped. */
    static String oneLine(String text) {
        if (text == null || text.chars().noneMatch(ConfigProblem::needsEscape)) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 8);
        text.chars().forEach(c -> {
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (needsEscape(c)) {
                        b.append(String.format("\\u%04x", c));
                    } else {
                        b.append((char) c);
                    }
                }
            }
        });
        return b.toString();
    }

    private static boolean needsEscape(int c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }
}
