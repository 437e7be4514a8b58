package io.callhook.directory;

/** The seven privacy options of SPEC §5, one per event field they apply to. */
public record PrivacyOptions(FieldPrivacy localUserId, FieldPrivacy localEmail, FieldPrivacy localNumber,
                             FieldPrivacy deviceType, FieldPrivacy remoteUserId, FieldPrivacy remoteEmail,
                             FieldPrivacy remoteNumber) {

    public static final PrivacyOptions KEEP_ALL = new PrivacyOptions(FieldPrivacy.KEEP, FieldPrivacy.KEEP,
            FieldPrivacy.KEEP, FieldPrivacy.KEEP, FieldPrivacy.KEEP, FieldPrivacy.KEEP, FieldPrivacy.KEEP);
}
