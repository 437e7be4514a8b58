package io.callhook.call;

/** The kinds of device a local user can have, as written in {@code device_type}. */
public enum DeviceType {
    MOBILE, SOFT, DESKTOP, FXS, EXTERNAL_PBX, FAX, VOICEMAIL, EXTERNAL, MOBILE_EXT, CONFERENCE, QUEUE,
    MOBILE_VOIP, WEB
}
