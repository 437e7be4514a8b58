package io.callhook.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The client side of TCP connections to one server port, as the kernel lists them in
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6} (Linux): what callhook really holds open, whatever
 * its own counters say.
 *
 * <p>Counted: sockets that still own a file descriptor of the client, i.e. connecting
 * ({@code SYN_SENT}), open ({@code ESTABLISHED}) and closed by the server but not yet by the client
 * ({@code CLOSE_WAIT}, the signature of a connection leak). Not counted: sockets the client has
 * closed ({@code FIN_WAIT}, {@code TIME_WAIT}), which hold no descriptor.
 */
final class ClientSockets {

    private static final Set<String> HELD = Set.of("01", "02", "08"); // ESTABLISHED, SYN_SENT, CLOSE_WAIT
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    private ClientSockets() {}

    /**
     * Client sockets whose remote port is {@code port}, in a state that holds a descriptor. Counted
     * by address pair, because the kernel's listing is no snapshot: a socket may appear twice while
     * the table changes under the reader.
     */
    static int heldTo(int port) {
        String remotePort = String.format(":%04X", port);
        Set<String> held = new HashSet<>();
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException e) {
                continue; // no IPv6 table on this host
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[2].endsWith(remotePort) && HELD.contains(f[3])) {
                    held.add(f[1] + ">" + f[2]);
                }
            }
        }
        return held.size();
    }

    static boolean available() {
        return Files.isReadable(TABLES.get(0));
    }
}
