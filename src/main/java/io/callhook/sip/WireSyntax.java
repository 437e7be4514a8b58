package io.callhook.sip;

/**
 * Character-level checks on the raw text of a message, for what the RI's parser accepts and then
 * forgets (RFC 4475 §3.1.2): spacing in the Request-Line, the SIP-Version written there, unquoted
 * display names with non-token characters and spaces inside angle brackets. Pure functions that
 * scan once, without regular expressions or copies of the message.
 */
final class WireSyntax {

    private WireSyntax() {}

    /** The headers the parser looks at, by every name they may be written with (RFC 3261 §7.3.3 compact forms). */
    enum Name {
        CALL_ID("Call-ID"), CSEQ("CSeq"), FROM("From"), TO("To"), MAX_FORWARDS("Max-Forwards"),
        CONTENT_LENGTH("Content-Length"), CONTENT_TYPE("Content-Type"), CONTACT("Contact");

        /** The canonical name, as the RI files the header. */
        final String canonical;

        Name(String canonical) {
            this.canonical = canonical;
        }

        /** Single-valued (RFC 3261 §7.3): a second one is an error the RI would silently drop. */
        boolean singleValued() {
            return this != CONTACT;
        }

        /** Its value is a name-addr or addr-spec (RFC 3261 §25.1). */
        boolean isAddress() {
            return this == FROM || this == TO || this == CONTACT;
        }
    }

    /**
     * Which of the {@link Name}s the unfolded header line {@code header} is, or null. Compares the
     * name in place (no copy, no lower-casing): this runs for every header of every message.
     */
    static Name headerName(String header) {
        int colon = header.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        int end = colon;
        while (end > 0 && isLws(header.charAt(end - 1))) {
            end--;
        }
        return switch (end) {
            case 1 -> switch (Character.toLowerCase(header.charAt(0))) {
                case 'i' -> Name.CALL_ID;
                case 'f' -> Name.FROM;
                case 't' -> Name.TO;
                case 'l' -> Name.CONTENT_LENGTH;
                case 'c' -> Name.CONTENT_TYPE;
                case 'm' -> Name.CONTACT;
                default -> null;
            };
            case 2 -> named(header, "to", Name.TO);
            case 4 -> header.regionMatches(true, 0, "from", 0, 4) ? Name.FROM : named(header, "cseq", Name.CSEQ);
            case 7 -> header.regionMatches(true, 0, "call-id", 0, 7) ? Name.CALL_ID
                    : named(header, "contact", Name.CONTACT);
            case 12 -> header.regionMatches(true, 0, "content-type", 0, 12) ? Name.CONTENT_TYPE
                    : named(header, "max-forwards", Name.MAX_FORWARDS);
            case 14 -> named(header, "content-length", Name.CONTENT_LENGTH);
            default -> null;
        };
    }

    private static Name named(String header, String name, Name value) {
        return header.regionMatches(true, 0, name, 0, name.length()) ? value : null;
    }

    /**
     * True when the first line of {@code raw} is a Request-Line whose three elements are not
     * separated by exactly one SP each, or that carries other whitespace (RFC 3261 §7.1:
     * {@code Method SP Request-URI SP SIP-Version CRLF}). Leading empty lines are skipped, as the
     * parser does.
     */
    static boolean badRequestLineSpacing(byte[] raw) {
        int i = firstLineStart(raw);
        int start = i;
        int spaces = 0;
        byte previous = 0;
        for (; i < raw.length && raw[i] != '\r' && raw[i] != '\n'; i++) {
            byte b = raw[i];
            if (b == '\t') {
                return true;
            }
            if (b == ' ') {
                if (i == start || previous == ' ') {
                    return true;
                }
                spaces++;
            }
            previous = b;
        }
        return previous == ' ' || spaces != 2;
    }

    /** The SIP-Version token a Request-Line ends with (trailing whitespace ignored), or null when there is none. */
    static String requestLineVersion(byte[] raw) {
        int start = firstLineStart(raw);
        int end = start;
        while (end < raw.length && raw[end] != '\r' && raw[end] != '\n') {
            end++;
        }
        while (end > start && (raw[end - 1] == ' ' || raw[end - 1] == '\t')) {
            end--;
        }
        int from = end;
        while (from > start && raw[from - 1] != ' ' && raw[from - 1] != '\t') {
            from--;
        }
        if (from == start || from == end) {
            return null;
        }
        if (end - from == 7 && (raw[from] | 0x20) == 's' && (raw[from + 1] | 0x20) == 'i'
                && (raw[from + 2] | 0x20) == 'p' && raw[from + 3] == '/' && raw[from + 4] == '2'
                && raw[from + 5] == '.' && raw[from + 6] == '0') {
            return "SIP/2.0"; // the usual case, without a copy
        }
        char[] version = new char[end - from];
        for (int k = 0; k < version.length; k++) {
            version[k] = (char) (raw[from + k] & 0xff);
        }
        return new String(version);
    }

    private static int firstLineStart(byte[] raw) {
        int i = 0;
        while (i < raw.length && (raw[i] == '\r' || raw[i] == '\n')) {
            i++;
        }
        return i;
    }

    /**
     * Checks each value of an address header (From, To, Contact; {@code header} is the unfolded
     * line): an unquoted display name must be tokens and spaces (baddn), and the addr-spec inside
     * angle brackets must not start or end with whitespace (badaspec). Returns the problem, or null.
     *
     * @param list true for Contact, whose values are separated by commas; a comma in From or To is
     *             part of its one value (so {@code Bell, Alexander <sip:…>} is an unquoted display name)
     */
    static MessageProblem addressProblem(String header, boolean list) {
        int i = header.indexOf(':') + 1;
        if (i <= 0) {
            return null;
        }
        int n = header.length();
        while (i < n) {
            while (i < n && isLws(header.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return null;
            }
            boolean nonToken = false;
            if (header.charAt(i) == '"') {
                i = skipQuoted(header, i);
            } else {
                // an unquoted display name, or an addr-spec (then the characters are the URI's)
                while (i < n && header.charAt(i) != '<' && (!list || header.charAt(i) != ',')) {
                    char c = header.charAt(i);
                    if (c == '"') {
                        i = skipQuoted(header, i); // a quoted parameter value of an addr-spec
                        continue;
                    }
                    if (!isTokenChar(c) && !isLws(c)) {
                        nonToken = true;
                    }
                    i++;
                }
            }
            while (i < n && isLws(header.charAt(i))) {
                i++;
            }
            if (i < n && header.charAt(i) == '<') {
                if (nonToken) {
                    return MessageProblem.DISPLAY_NAME;
                }
                int close = header.indexOf('>', i + 1);
                if (close < 0) {
                    return null; // the parser's business
                }
                if (close > i + 1 && (isLws(header.charAt(i + 1)) || isLws(header.charAt(close - 1)))) {
                    return MessageProblem.ADDR_SPEC_SPACE;
                }
                i = close + 1;
            }
            if (!list) {
                return null;
            }
            // the header parameters up to the next value
            while (i < n && header.charAt(i) != ',') {
                i = header.charAt(i) == '"' ? skipQuoted(header, i) : i + 1;
            }
            i++;
        }
        return null;
    }

    /** The index after the quoted string that starts at {@code open} (backslash escapes honoured). */
    private static int skipQuoted(String s, int open) {
        int i = open + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i + 1;
            } else {
                i++;
            }
        }
        return s.length();
    }

    private static boolean isLws(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** RFC 3261 §25.1 {@code token} characters. */
    static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '!' || c == '%' || c == '*' || c == '_' || c == '+'
                || c == '`' || c == '\'' || c == '~';
    }
}
