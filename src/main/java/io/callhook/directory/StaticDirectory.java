package io.callhook.directory;

import io.callhook.config.SipUri;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable in-memory directory over {@link DirectoryData}: every lookup is one hash-map get
 * (see {@link UriMatch} for how URIs match). Thread-safe.
 */
public final class StaticDirectory implements Directory, DirectorySource {

    private final Map<String, Organization> organizations = new HashMap<>();
    private final Map<String, User> users = new HashMap<>();
    private final Map<String, User> usersByNumber = new HashMap<>();
    private final Map<String, FunctionNumber> functionNumbers = new HashMap<>();
    private final Map<SipUri, DeviceOwner> devices = new HashMap<>();
    private final Map<AuthKey, DeviceOwner> devicesByAuthUser = new HashMap<>();
    private final List<String> regions;
    private final DirectoryData data;

    /**
     * @throws IllegalArgumentException when {@code data} claims an id, number or URI twice
     *         ({@link DirectoryLoader} reports those with their lines first)
     */
    public StaticDirectory(DirectoryData data) {
        this.data = data;
        Set<String> regionSet = new LinkedHashSet<>();
        for (Organization org : data.organizations()) {
            put(organizations, org.id(), org, "organization id");
            regionSet.add(org.defaultRegion());
        }
        this.regions = List.copyOf(regionSet);
        for (User user : data.users()) {
            put(users, user.userId(), user, "user_id");
            for (String number : user.numbers()) {
                put(usersByNumber, number, user, "number");
            }
            for (Device device : user.devices()) {
                DeviceOwner owner = new DeviceOwner(user, device);
                put(devices, uriKey(device.aor()), owner, "device URI");
                if (device.contact() != null && !uriKey(device.contact()).equals(uriKey(device.aor()))) {
                    put(devices, uriKey(device.contact()), owner, "device URI");
                }
                if (device.authUser() != null) {
                    put(devicesByAuthUser, new AuthKey(device.realm(), device.authUser()), owner, "auth_user");
                }
            }
        }
        for (FunctionNumber fn : data.functionNumbers()) {
            if (usersByNumber.containsKey(fn.number())) {
                throw new IllegalArgumentException("duplicate number: " + fn.number());
            }
            put(functionNumbers, fn.number(), fn, "number");
        }
    }

    /** The data this directory was built from. */
    public DirectoryData data() {
        return data;
    }

    @Override
    public Optional<Organization> organization(String organizationId) {
        return Optional.ofNullable(organizations.get(organizationId));
    }

    @Override
    public Optional<User> user(String userId) {
        return Optional.ofNullable(users.get(userId));
    }

    @Override
    public Optional<User> userByNumber(String number) {
        return Optional.ofNullable(usersByNumber.get(number));
    }

    @Override
    public Optional<FunctionNumber> functionNumber(String number) {
        return Optional.ofNullable(functionNumbers.get(number));
    }

    @Override
    public Optional<DeviceOwner> deviceByUri(String sipUri) {
        return UriMatch.find(devices, sipUri);
    }

    @Override
    public Optional<DeviceOwner> deviceByAuthUser(String realm, String authUser) {
        return Optional.ofNullable(devicesByAuthUser.get(new AuthKey(realm, authUser)));
    }

    @Override
    public List<String> regions() {
        return regions;
    }

    @Override
    public String normalize(String rawNumber) {
        return normalize(rawNumber, regions);
    }

    /**
     * The first E.164 form found trying {@code regions} in order; {@code raw} unchanged when none
     * (logged once, see {@link UnparsableNumbers}).
     */
    static String normalize(String raw, List<String> regions) {
        return e164(raw, regions).orElseGet(() -> UnparsableNumbers.SHARED.passedThrough(raw));
    }

    /** The first E.164 form found trying {@code regions} in order. */
    static Optional<String> e164(String raw, List<String> regions) {
        List<String> tries = regions.isEmpty() ? nullRegion() : regions;
        for (String region : tries) {
            Optional<String> e164 = NumberNormalizer.toE164(raw, region);
            if (e164.isPresent()) {
                return e164;
            }
        }
        return Optional.empty();
    }

    private static List<String> nullRegion() {
        List<String> none = new ArrayList<>();
        none.add(null);
        return none;
    }

    private static SipUri uriKey(String uri) {
        return UriMatch.key(SipUri.parse(uri).orElseThrow(() -> new IllegalArgumentException("not a SIP URI: " + uri)));
    }

    /** A digest identity: user names are unique per realm. */
    record AuthKey(String realm, String authUser) {}

    private static <K, V> void put(Map<K, V> map, K key, V value, String what) {
        if (map.putIfAbsent(key, value) != null) {
            throw new IllegalArgumentException("duplicate " + what + ": " + key);
        }
    }
}
