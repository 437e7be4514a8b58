package io.callhook.directory;

import io.callhook.config.ConfigProblem;

import java.util.List;

/** A {@link Directory} whose data comes from a file that may change while the proxy runs. */
public interface ReloadableDirectory extends Directory {

    /** Reads the file again; returns its problems (empty when the new data is in use, else the old stays). */
    List<ConfigProblem> reload();

    /** As {@link #reload()}, but only when the file's modification time or size changed; call it periodically. */
    List<ConfigProblem> reloadIfChanged();

    /** The regions numbers are normalized with, first organization first. */
    List<String> regions();
    /** How many organizations the directory in use has (for the startup line and metrics). */
    int organizationCount();
}
