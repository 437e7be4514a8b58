package io.callhook.event;

import io.callhook.directory.FieldPrivacy;
import io.callhook.directory.PrivacyOptions;

/** Applies an organization's privacy options (SPEC §5) to an event before it is encoded. Pure. */
public final class Privacy {

    private Privacy() {}

    public static CallEvent apply(CallEvent e, PrivacyOptions p) {
        if (p.equals(PrivacyOptions.KEEP_ALL)) {
            return e;
        }
        return new CallEvent(e.organizationId(), e.seqNum(), e.callId(), e.branchId(), e.timestamp(), e.state(),
                e.terminationReason(), e.direction(),
                field(e.localEmail(), p.localEmail()),
                field(e.localUserId(), p.localUserId()),
                field(e.localNumber(), p.localNumber()),
                field(e.deviceType(), p.deviceType()),
                field(e.remoteEmail(), p.remoteEmail()),
                field(e.remoteUserId(), p.remoteUserId()),
                field(e.remoteNumber(), p.remoteNumber()));
    }

    static String field(String value, FieldPrivacy rule) {
        if (value == null) {
            return null;
        }
        return switch (rule.action()) {
            case KEEP -> value;
            case REMOVE -> null;
            case MASK -> mask(value, rule.digits());
        };
    }

    /**
     * Replaces the last {@code digits} digits with {@code X}, leaving every other character (the
     * leading {@code +}) in place; a number with fewer digits is masked entirely.
     */
    public static String mask(String number, int digits) {
        char[] chars = number.toCharArray();
        int left = digits;
        for (int i = chars.length - 1; i >= 0 && left > 0; i--) {
            if (Character.isDigit(chars[i])) {
                chars[i] = 'X';
                left--;
            }
        }
        return new String(chars);
    }
}
