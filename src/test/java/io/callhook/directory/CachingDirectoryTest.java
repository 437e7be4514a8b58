package io.callhook.directory;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.callhook.directory.DirectoryFixtures.ALICE;
import static io.callhook.directory.DirectoryFixtures.ALICE_SOFT;
import static org.assertj.core.api.Assertions.assertThat;

class CachingDirectoryTest {

    /** A source that counts how often it is asked, over a StaticDirectory that can be swapped. */
    private static final class CountingSource implements DirectorySource {
        final AtomicInteger calls = new AtomicInteger();
        volatile StaticDirectory data = new StaticDirectory(DirectoryFixtures.data());
        volatile long version;

        @Override public Optional<Organization> organization(String id) { calls.incrementAndGet(); return data.organization(id); }
        @Override public Optional<User> user(String id) { calls.incrementAndGet(); return data.user(id); }
        @Override public Optional<User> userByNumber(String n) { calls.incrementAndGet(); return data.userByNumber(n); }
        @Override public Optional<FunctionNumber> functionNumber(String n) { calls.incrementAndGet(); return data.functionNumber(n); }
        @Override public Optional<DeviceOwner> deviceByUri(String u) { calls.incrementAndGet(); return data.deviceByUri(u); }
        @Override public Optional<DeviceOwner> deviceByAuthUser(String r, String u) { calls.incrementAndGet(); return data.deviceByAuthUser(r, u); }
        @Override public List<String> regions() { return data.regions(); }
        @Override public long version() { return version; }
    }

    private final CountingSource source = new CountingSource();
    private final AtomicLong nanos = new AtomicLong();
    private final CachingDirectory directory = new CachingDirectory(source, 100, Duration.ofMinutes(5), nanos::get);

    @Test
    void answersComeFromTheSourceOnceAndThenFromTheCache() {
        assertThat(directory.userByNumber("+358401234567")).contains(ALICE);
        assertThat(directory.userByNumber("+358401234567")).contains(ALICE);
        assertThat(directory.deviceByUri("sip:192.0.2.10:5070;transport=udp")).contains(new DeviceOwner(ALICE, ALICE_SOFT));
        assertThat(directory.deviceByUri("sip:192.0.2.10:5070;transport=udp")).contains(new DeviceOwner(ALICE, ALICE_SOFT));
        assertThat(directory.user("alice@acme.example")).contains(ALICE);
        assertThat(directory.organization("acme")).isPresent();
        assertThat(directory.functionNumber("+358942720000")).isPresent();
        assertThat(source.calls).hasValue(5);
    }

    @Test
    void missesAreCachedToo() {
        assertThat(directory.userByNumber("+358409999999")).isEmpty();
        assertThat(directory.userByNumber("+358409999999")).isEmpty();
        assertThat(source.calls).hasValue(1);
    }

    @Test
    void anAnswerIsFetchedAgainAfterTheTtl() {
        directory.userByNumber("+358401234567");
        nanos.addAndGet(Duration.ofMinutes(5).minusSeconds(1).toNanos());
        directory.userByNumber("+358401234567");
        assertThat(source.calls).hasValue(1);
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        directory.userByNumber("+358401234567");
        assertThat(source.calls).hasValue(2);
    }

    @Test
    void aNewSourceVersionRetiresEveryCachedAnswer() {
        assertThat(directory.userByNumber("+358401234567")).contains(ALICE);
        source.data = new StaticDirectory(DirectoryData.EMPTY);
        source.version++;
        assertThat(directory.userByNumber("+358401234567")).isEmpty();
        assertThat(source.calls).hasValue(2);
    }

    @Test
    void normalizeUsesTheSourcesRegionsFirstOrganizationFirst() {
        assertThat(directory.normalize("0401234567")).isEqualTo("+358401234567");
        assertThat(directory.normalize("070-123 45 67")).isEqualTo("+358701234567");   // FI before SE
        assertThat(directory.normalize("+46 70-123 45 67")).isEqualTo("+46701234567");
        assertThat(directory.normalize("anonymous")).isEqualTo("anonymous");
    }

    @Test
    void aNullKeyFindsNothingWithoutAskingTheSource() {
        assertThat(directory.userByNumber(null)).isEmpty();
        assertThat(source.calls).hasValue(0);
    }
}
