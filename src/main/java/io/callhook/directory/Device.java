package io.callhook.directory;

import io.callhook.call.DeviceType;

/**
 * One of a user's devices.
 *
 * @param aor      the device's address of record, e.g. {@code sip:alice@example.com}
 * @param contact  a static contact URI to fork INVITEs to, or null (a device that registers)
 * @param authUser digest user name, or null; {@code realm} and {@code ha1} go with it
 */
public record Device(DeviceType type, String aor, String contact, String authUser, String realm, String ha1) {}
