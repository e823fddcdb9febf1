package io.tollgate.cli;

import io.tollgate.app.PolicySeeder;
import io.tollgate.app.ValueSerdeFactory;
import io.tollgate.avro.policy.Account;
import io.tollgate.avro.policy.Policy;
import io.tollgate.config.TollgateConfig;
import io.tollgate.policy.PolicyException;
import io.tollgate.policy.PolicyFile;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./tollgate policy validate FILE | apply FILE [--dry-run] | show [ID]}: the policies and accounts in
 * force, and changing them from a policy file. {@code apply} checks the file as the limiter would, shows what
 * it changes against what is in force, publishes only that, and waits until the limiter's gate has put it in
 * force. It talks to the running sandbox by default, or to any cluster given {@code --bootstrap.servers} and
 * {@code --schema.registry.url} (and any other Tollgate setting, {@code --topic.prefix=...}, security).
 */
public final class PolicyCommand {

    static final String USAGE = "usage: ./tollgate policy validate FILE | apply FILE [--dry-run] | show [ID]"
            + "   [--bootstrap.servers=... --schema.registry.url=... --topic.prefix=...]";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final PrintStream out;
    private final PrintStream err;

    PolicyCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new PolicyCommand(System.out, System.err).run(args));
    }

    /** @return the exit code: 0 done, 1 refused or failed, 2 wrong usage */
    int run(String[] args) {
        List<String> positional = new ArrayList<>();
        List<String> settings = new ArrayList<>();
        boolean dryRun = false;
        for (String arg : args) {
            if (arg.equals("--dry-run")) {
                dryRun = true;
            } else if (arg.startsWith("--")) {
                settings.add(arg);
            } else {
                positional.add(arg);
            }
        }
        String command = positional.isEmpty() ? "" : positional.get(0);
        if (!(command.equals("validate") && positional.size() == 2) && !(command.equals("apply") && positional.size() == 2)
                && !(command.equals("show") && positional.size() <= 2)) {
            err.println(USAGE);
            return 2;
        }
        try {
            TollgateConfig config = config(settings, !command.equals("validate"));
            return switch (command) {
                case "validate" -> validate(positional.get(1), config);
                case "apply" -> apply(positional.get(1), config, dryRun);
                default -> show(positional.size() == 2 ? positional.get(1) : null, config);
            };
        } catch (ConfigException | IllegalStateException e) {
            err.println(e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("Failed: " + e);
            return 1;
        }
    }

    private int validate(String file, TollgateConfig config) {
        PolicyFile.Contents contents = read(file, config);
        if (contents == null) {
            return 1;
        }
        out.printf("%s is valid: %d policies %s, %d accounts %s%n", file, contents.policies().size(),
                contents.policies().stream().map(Policy::getId).toList(), contents.accounts().size(),
                contents.accounts().stream().map(Account::getId).toList());
        return 0;
    }

    private int apply(String file, TollgateConfig config, boolean dryRun) throws Exception {
        PolicyFile.Contents contents = read(file, config);
        if (contents == null) {
            return 1;
        }
        ValueSerdeFactory serdes = new ValueSerdeFactory(config.valueSerdeClass(), config.schemaRegistryUrl());
        PolicyDiff diff = PolicyDiff.of(contents, inForce(config, serdes));
        out.print(diff.describe());
        List<PolicyDiff.Change> toWrite = diff.toWrite();
        if (toWrite.isEmpty()) {
            out.println("Nothing to change.");
            return 0;
        }
        if (dryRun) {
            out.printf("Dry run: %d to write, nothing written.%n", toWrite.size());
            return 0;
        }
        List<Policy> policies = new ArrayList<>();
        List<Account> accounts = new ArrayList<>();
        toWrite.forEach(c -> {
            if (c.record() instanceof Policy p) {
                policies.add(p);
            } else {
                accounts.add((Account) c.record());
            }
        });
        Map<String, Object> producer = clients(config);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, SpecificRecord> kafka = new KafkaProducer<>(producer, new StringSerializer(), serdes.serializer())) {
            PolicySeeder.seed(new PolicyFile.Contents(policies, accounts), config.topics(), kafka);
        }
        out.printf("Published %d; waiting for the limiter to put them in force...%n", toWrite.size());
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            List<PolicyDiff.Change> pending = PolicyDiff.of(new PolicyFile.Contents(policies, accounts), inForce(config, serdes)).toWrite();
            if (pending.isEmpty()) {
                out.println("In force.");
                return 0;
            }
            if (System.nanoTime() > deadline) {
                err.printf("Not in force after %d s: %s. Is a limiter running? A record its gate refuses is on %s with the reason.%n",
                        TIMEOUT.toSeconds(), pending.stream().map(c -> c.type() + " " + c.id()).toList(), config.topics().rejected());
                return 1;
            }
            Thread.sleep(500);
        }
    }

    private int show(String id, TollgateConfig config) {
        PoliciesInForce inForce = inForce(config, new ValueSerdeFactory(config.valueSerdeClass(), config.schemaRegistryUrl()));
        if (id == null) {
            out.printf("Policies in force (%d):%n", inForce.policies().size());
            inForce.policies().values().forEach(p -> out.printf("  %-28s %s%n", p.getId(), p.getDescription() == null ? "" : p.getDescription()));
            out.printf("Accounts in force (%d):%n", inForce.accounts().size());
            inForce.accounts().values().forEach(a -> out.printf("  %-28s policy %s%n", a.getId(), a.getPolicyId()));
            return 0;
        }
        boolean found = false;
        if (inForce.policies().containsKey(id)) {
            out.println("policy " + id + ": " + inForce.policies().get(id));
            found = true;
        }
        if (inForce.accounts().containsKey(id)) {
            out.println("account " + id + ": " + inForce.accounts().get(id));
            found = true;
        }
        if (!found) {
            err.println("No policy or account '" + id + "' is in force.");
            return 1;
        }
        return 0;
    }

    /** A relative path is relative to where ./tollgate was run (the script runs Java from the repository). */
    private static String fromCaller(String file) {
        String caller = System.getProperty("tollgate.caller.dir", "");
        return file.startsWith("classpath:") || caller.isEmpty() ? file : java.nio.file.Path.of(caller).resolve(file).toString();
    }

    /** The file, checked as the limiter checks it; null (and why, on stderr) when it is refused. */
    private PolicyFile.Contents read(String file, TollgateConfig config) {
        try {
            return PolicyFile.load(fromCaller(file), config.limiterSettings());
        } catch (PolicyException e) {
            err.println("Refused, nothing published: " + e.getMessage());
            return null;
        }
    }

    private PoliciesInForce inForce(TollgateConfig config, ValueSerdeFactory serdes) {
        return PoliciesInForce.read(clients(config), config.topics(), serdes.deserializer(Policy.class), serdes.deserializer(Account.class),
                TIMEOUT);
    }

    private static Map<String, Object> clients(TollgateConfig config) {
        Map<String, Object> clients = new HashMap<>(config.clientSecurity());
        clients.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        return clients;
    }

    /** The settings given, over the running sandbox's endpoints when no broker is given and one is needed. */
    private static TollgateConfig config(List<String> settings, boolean needsCluster) throws java.io.IOException {
        List<String> args = new ArrayList<>();
        boolean broker = settings.stream().anyMatch(s -> s.startsWith("--" + TollgateConfig.BOOTSTRAP_SERVERS + "="));
        if (needsCluster && !broker && System.getenv("TOLLGATE_BOOTSTRAP_SERVERS") == null) {
            Map<String, String> sandbox = SandboxEndpoints.read().orElseThrow(() -> new IllegalStateException(
                    "No broker given and no running sandbox found (" + SandboxEndpoints.FILE + "): start ./tollgate, or pass "
                            + "--bootstrap.servers=... --schema.registry.url=..."));
            sandbox.forEach((k, v) -> args.add("--" + k + "=" + v));
        }
        args.addAll(settings);
        return TollgateConfig.load(args.toArray(String[]::new), System.getenv());
    }
}
