package io.callhook.sip;

/** Best-response choice among a forked INVITE's non-2xx finals (RFC 3261 §16.7 step 6). */
final class FinalResponses {

    private FinalResponses() {}

    /** True when {@code candidate} should replace {@code best}: any 6xx wins, else the lower class. */
    static boolean better(int candidate, int best) {
        boolean candidateGlobal = candidate >= 600;
        boolean bestGlobal = best >= 600;
        if (candidateGlobal != bestGlobal) {
            return candidateGlobal;
        }
        if (candidateGlobal) {
            return false; // the first 6xx stands
        }
        if (candidate / 100 != best / 100) {
            return candidate / 100 < best / 100;
        }
        return best == 503 && candidate != 503; // a 503 is the least informative 5xx
    }
}
