package io.callhook.directory;

import java.util.List;

/** Everything a directory file says, validated: the input of {@link StaticDirectory}. */
public record DirectoryData(List<Organization> organizations, List<User> users, List<FunctionNumber> functionNumbers) {

    public static final DirectoryData EMPTY = new DirectoryData(List.of(), List.of(), List.of());

    public DirectoryData {
        organizations = List.copyOf(organizations);
        users = List.copyOf(users);
        functionNumbers = List.copyOf(functionNumbers);
    }
}
