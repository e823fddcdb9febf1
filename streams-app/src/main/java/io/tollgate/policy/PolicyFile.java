package io.tollgate.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tollgate.avro.policy.Account;
import io.tollgate.avro.policy.Policy;
import io.tollgate.limiter.LimiterSettings;
import io.tollgate.limiter.rule.LimitPolicy;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads a policy file: policies and accounts in YAML (JSON is YAML too), optionally including other
 * files such as the bundled presets ({@code include: [classpath:presets/pipedrive.yaml]}). Every policy
 * is validated by {@link PolicyCompiler} before it is returned, so a file that loads is a file that runs.
 *
 * <p>This class follows includes and checks what the files define together; {@link PolicyLocations}
 * resolves where a named file is, {@link PolicySourceReader} reads it, and {@link PolicyYamlMapper} turns
 * its YAML into the Avro records published on the policy topics.
 */
public final class PolicyFile {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** What a file (with its includes) defines. */
    public record Contents(List<Policy> policies, List<Account> accounts) {
    }

    private final LimiterSettings settings;
    private final Map<String, Policy> policies = new LinkedHashMap<>();
    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final Set<String> loading = new HashSet<>();

    private PolicyFile(LimiterSettings settings) {
        this.settings = settings;
    }

    /** Reads a file path, or {@code classpath:<resource>}. */
    public static Contents load(String location, LimiterSettings settings) {
        PolicyFile file = new PolicyFile(settings);
        file.include(location, "");
        return file.contents();
    }

    /** Reads YAML text; relative includes and cost tables resolve against {@code baseDir}. */
    public static Contents parse(String yaml, String baseDir, LimiterSettings settings) {
        PolicyFile file = new PolicyFile(settings);
        file.read(yaml, baseDir, "");
        return file.contents();
    }

    private Contents contents() {
        Map<String, LimitPolicy> compiled = new LinkedHashMap<>();
        for (Account account : accounts.values()) {
            if (!policies.containsKey(account.getPolicyId())) {
                throw new PolicyException("accounts[" + account.getId() + "].policy",
                        "no policy '" + account.getPolicyId() + "' is defined; known: " + policies.keySet());
            }
            AccountFactsMapper.checkZone(account, compiled.computeIfAbsent(account.getPolicyId(),
                    id -> new PolicyCompiler(settings).compile(policies.get(id), null)), "accounts[" + account.getId() + "]");
        }
        return new Contents(List.copyOf(policies.values()), List.copyOf(accounts.values()));
    }

    private void include(String location, String baseDir) {
        String resolved = PolicyLocations.resolve(location, baseDir);
        if (!loading.add(resolved)) {
            return;
        }
        read(PolicySourceReader.read(resolved, location), PolicyLocations.parentOf(resolved), resolved + ": ");
    }

    private void read(String yaml, String baseDir, String source) {
        YamlNode root;
        try {
            root = new YamlNode(YAML.readTree(yaml), "");
        } catch (JsonProcessingException e) {
            throw new PolicyException(source + "(file)", "not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()));
        }
        if (root.isMissing()) {
            return;
        }
        inSource(source, () -> {
            root.allowOnly("include", "policies", "accounts");
            return root;
        });
        for (YamlNode inc : inSource(source, () -> root.field("include").items())) {
            include(inSource(source, inc::text), baseDir);
        }
        // A file may redefine a policy it included (a preset, say); within one file an id is unique.
        Set<String> defined = new HashSet<>();
        for (YamlNode p : inSource(source, () -> root.field("policies").items())) {
            Policy policy = inSource(source, () -> PolicyYamlMapper.policy(p, baseDir));
            String path = source + p.path();
            if (!defined.add(policy.getId())) {
                throw new PolicyException(path + ".id", "policy '" + policy.getId() + "' is defined twice");
            }
            new PolicyCompiler(settings).compile(policy, path);
            policies.put(policy.getId(), policy);
        }
        for (YamlNode a : inSource(source, () -> root.field("accounts").items())) {
            Account account = inSource(source, () -> PolicyYamlMapper.account(a));
            accounts.put(account.getId(), account);
        }
    }

    /** Runs a mapping step, naming {@code source} in its error (the mapper sees nodes, not files). */
    private static <T> T inSource(String source, Supplier<T> mapping) {
        try {
            return mapping.get();
        } catch (PolicyException e) {
            throw e.in(source);
        }
    }

}
