package io.callhook.e2e;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one change {@link TortureMessagesIT} makes to an RFC 4475 message before sending it: its top
 * Via is pointed at the test's own socket, so the proxy's answers come back to the test instead of
 * the made-up hosts of the RFC. Three things change in that one header, nothing else anywhere:
 *
 * <ul>
 *   <li>the sent-by (host and port) becomes {@code 127.0.0.1:<the socket's port>};</li>
 *   <li>the transport becomes the socket's (UDP or TCP): a response goes by the Via's transport;</li>
 *   <li>the branch gets a per-send suffix (an RFC 3261 one stays one, an RFC 2543 one stays one; the
 *       bare {@code z9hG4bK} of badbranch, the point of that test, stays as it is). The RI keys server
 *       transactions by branch alone (RFC 3261 §17.2.3 also matches the sent-by), and 22 of the 49
 *       messages share {@code branch=z9hG4bKkdjuw}: sent within one transaction lifetime (32 s) they
 *       would be taken for retransmissions of each other and silently absorbed; likewise the same
 *       message sent over UDP and then TCP (callhook remembers INVITE branches for 40 s).</li>
 * </ul>
 *
 * Responses are sent as they are. The bytes are handled as ISO-8859-1, so every other byte (binary
 * bodies, UTF-8, NUL) stays exactly as in the RFC.
 */
final class TopVia {

    private static final Pattern VIA_NAME = Pattern.compile("(?im)^(via|v)[ \t]*:");
    /** {@code SIP / 2.0 / UDP host:port} with any LWS, including folded lines (wsinv). */
    private static final Pattern SENT_BY = Pattern.compile("SIP\\s*/\\s*[^/\\s]+\\s*/\\s*([A-Za-z]+)\\s+([^;,\\s]+)");
    private static final Pattern BRANCH = Pattern.compile("(?i)branch\\s*=\\s*([^;,\\s]+)");

    private TopVia() {}

    static byte[] pointAt(byte[] message, String transport, int port, String branchSuffix) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        if (text.startsWith("SIP/2.0")) {
            return message;
        }
        int headersEnd = text.indexOf("\r\n\r\n");
        Matcher name = VIA_NAME.matcher(text);
        if (!name.find() || (headersEnd >= 0 && name.start() > headersEnd)) {
            return message;
        }
        int viaEnd = endOfHeader(text, name.end());
        Matcher sentBy = SENT_BY.matcher(text).region(name.end(), viaEnd);
        if (!sentBy.find()) {
            return message;
        }
        StringBuilder out = new StringBuilder(text);
        Matcher branch = BRANCH.matcher(text).region(sentBy.end(), viaEnd);
        if (branch.find() && !branch.group(1).equalsIgnoreCase("z9hG4bK")) {
            out.insert(branch.end(1), branchSuffix);
        }
        out.replace(sentBy.start(2), sentBy.end(2), "127.0.0.1:" + port);
        out.replace(sentBy.start(1), sentBy.end(1), transport);
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The end of the header starting before {@code from}, folded continuation lines included. */
    private static int endOfHeader(String text, int from) {
        int end = text.indexOf("\r\n", from);
        while (end >= 0 && end + 2 < text.length() && (text.charAt(end + 2) == ' ' || text.charAt(end + 2) == '\t')) {
            end = text.indexOf("\r\n", end + 2);
        }
        return end < 0 ? text.length() : end;
    }
}
