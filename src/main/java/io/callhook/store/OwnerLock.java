package io.callhook.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One running callhook per outbox: an exclusive OS lock on {@code <outbox>.lock}, held while the
 * process runs. Two instances on one file would each send every pending event. The OS drops the
 * lock when the process dies, however it dies, so a SIGKILL never leaves a stale lock behind. The
 * operator CLI does not take it.
 */
public final class OwnerLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private OwnerLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws IOException when another process (or this one) already owns the outbox */
    public static OwnerLock acquire(Path outbox) throws IOException {
        Path file = outbox.resolveSibling(outbox.getFileName() + ".lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("another callhook is running on the outbox " + outbox.toAbsolutePath()
                    + " (it holds " + file.getFileName() + ")");
        }
        return new OwnerLock(channel, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the OS releases it with the process anyway
        }
    }
}
