package io.callhook.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OwnerLockTest {

    @TempDir
    Path dir;

    @Test
    void aSecondOwnerOfTheSameOutboxIsRefusedUntilTheFirstLetsGo() throws Exception {
        Path outbox = dir.resolve("outbox.db");
        OwnerLock first = OwnerLock.acquire(outbox);

        assertThatThrownBy(() -> OwnerLock.acquire(outbox)).isInstanceOf(IOException.class)
                .hasMessage("another callhook is running on the outbox " + outbox.toAbsolutePath()
                        + " (it holds outbox.db.lock)");

        first.close();
        try (OwnerLock again = OwnerLock.acquire(outbox)) {
            assertThat(again).isNotNull();
        }
    }
}
