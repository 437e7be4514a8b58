package io.callhook.sip;

/**
 * What {@link MessageChecks} says about a message: {@link #OK}, or the {@link MessageProblem} it shows
 * and the header (or value) concerned, for the reason phrase and the log line.
 */
record Verdict(MessageProblem problem, String detail) {

    static final Verdict OK = new Verdict(null, null);

    /** Longest detail put in a reason phrase: it may come from the wire. */
    private static final int MAX_DETAIL = 40;

    static Verdict of(MessageProblem problem, String detail) {
        return new Verdict(problem, printable(detail));
    }

    boolean ok() {
        return problem == null;
    }

    int status() {
        return problem.status;
    }

    /** The reason phrase of the answer, e.g. {@code Bad Request - Duplicate header: Call-ID}. */
    String reasonPhrase() {
        return detail == null ? problem.reasonPhrase : problem.reasonPhrase + ": " + detail;
    }

    /** Keeps a wire-borne detail safe for a reason phrase and a log line: visible ASCII, bounded. */
    private static String printable(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_DETAIL));
        for (int i = 0; i < s.length() && out.length() < MAX_DETAIL; i++) {
            char c = s.charAt(i);
            out.append(c >= ' ' && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
