package io.callhook.directory;

import io.callhook.config.ConfigException;
import io.callhook.config.YamlDocument;
import io.callhook.config.YamlNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code directory.yaml} (SPEC §7) into {@link DirectoryData}, reporting every problem at
 * once. User ids, numbers (of users and function numbers) and device URIs are unique across the
 * whole file; hunt group members must be users of the same organization.
 *
 * <p>An organization's {@code privacy} may be written beside its {@code webhook} or, as in the
 * SPEC example, inside it; not both.
 */
public final class DirectoryLoader {

    private DirectoryLoader() {}

    /** @throws ConfigException with one {@code file:line: key: message} per problem */
    public static DirectoryData load(Path file) throws ConfigException {
        YamlDocument doc = YamlDocument.parse(file);
        DirectoryData data = read(doc);
        doc.throwIfProblems();
        return data;
    }

    /** Reads what it can; the problems are left in {@code doc}. */
    static DirectoryData read(YamlDocument doc) {
        YamlNode root = doc.root();
        root.allowKeys("organizations");
        YamlNode orgs = root.get("organizations");
        orgs.require();
        Claims claims = new Claims();
        List<Organization> organizations = new ArrayList<>();
        List<User> users = new ArrayList<>();
        List<FunctionNumber> functionNumbers = new ArrayList<>();
        for (YamlNode org : orgs.list()) {
            readOrganization(org, claims, organizations, users, functionNumbers);
        }
        return new DirectoryData(organizations, users, functionNumbers);
    }

    private static void readOrganization(YamlNode org, Claims claims, List<Organization> organizations,
                                         List<User> allUsers, List<FunctionNumber> allFunctionNumbers) {
        org.allowKeys("id", "default_region", "webhook", "privacy", "users", "function_numbers");
        YamlNode idNode = org.get("id");
        Optional<String> id = idNode.requiredText().map(String::strip);
        id.ifPresent(i -> claims.claim(new OrganizationKey(i), org.path(), i, idNode.line()).ifPresent(earlier ->
                idNode.problem("duplicate organization id \"" + i + "\" (first at line " + earlier.line() + ")")));
        String orgId = id.orElse(org.path());
        String region = region(org.get("default_region"));
        YamlNode webhookNode = org.get("webhook");
        Optional<Webhook> webhook = WebhookReader.read(webhookNode);
        PrivacyOptions privacy = privacy(org.get("privacy"), webhookNode.get("privacy"));

        List<User> users = new ArrayList<>();
        for (YamlNode user : org.get("users").list()) {
            UserReader.read(user, orgId, region, claims).ifPresent(users::add);
        }
        Set<String> userIds = new HashSet<>();
        users.forEach(u -> userIds.add(u.userId()));
        List<FunctionNumber> functionNumbers = new ArrayList<>();
        for (YamlNode fn : org.get("function_numbers").list()) {
            functionNumber(fn, orgId, region, userIds, claims).ifPresent(functionNumbers::add);
        }
        allUsers.addAll(users);
        allFunctionNumbers.addAll(functionNumbers);
        if (id.isPresent() && region != null && webhook.isPresent()) {
            organizations.add(new Organization(orgId, region, webhook.get(), privacy));
        }
    }

    /** The upper-cased region, or null when missing or unknown (reported). */
    private static String region(YamlNode node) {
        return node.requiredText().map(t -> t.strip().toUpperCase(Locale.ROOT)).filter(region -> {
            boolean ok = NumberNormalizer.isKnownRegion(region);
            if (!ok) {
                node.problem("unknown region (use a two-letter ISO 3166 code, like FI): " + region);
            }
            return ok;
        }).orElse(null);
    }

    private static PrivacyOptions privacy(YamlNode beside, YamlNode inside) {
        if (beside.isPresent() && inside.isPresent()) {
            inside.problem("privacy is given twice: here and at line " + beside.line());
        }
        YamlNode privacy = inside.isPresent() ? inside : beside;
        return privacy.isPresent() ? PrivacyReader.read(privacy) : PrivacyOptions.KEEP_ALL;
    }

    private static Optional<FunctionNumber> functionNumber(YamlNode fn, String orgId, String region,
                                                          Set<String> userIds, Claims claims) {
        fn.allowKeys("number", "kind", "members");
        Optional<String> number = NumberReader.read(fn.get("number"), region, claims, fn.path(), "a function number");
        YamlNode kindNode = fn.get("kind");
        Optional<FunctionNumber.Kind> kind = kindNode.require()
                ? kindNode.oneOf(FunctionNumber.Kind.class, "kind") : Optional.empty();
        List<String> members = new ArrayList<>();
        for (YamlNode member : fn.get("members").list()) {
            member.requiredText().map(String::strip).ifPresent(userId -> {
                if (userIds.contains(userId)) {
                    members.add(userId);
                } else {
                    member.problem("no user with user_id \"" + userId + "\" in organization " + orgId);
                }
            });
        }
        if (number.isEmpty() || kind.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FunctionNumber(orgId, number.get(), kind.get(), members));
    }

    /** Keeps organization ids apart from user ids, numbers and URIs in the shared {@link Claims}. */
    record OrganizationKey(String id) {}
}
