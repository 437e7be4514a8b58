package io.callhook.directory;

/** A device together with the user it belongs to. */
public record DeviceOwner(User user, Device device) {}
