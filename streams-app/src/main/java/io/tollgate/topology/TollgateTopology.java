package io.tollgate.topology;

import io.tollgate.avro.ApiRequest;
import io.tollgate.avro.DispatchResult;
import io.tollgate.avro.policy.Account;
import io.tollgate.config.NodeNames;
import io.tollgate.config.StoreNames;
import io.tollgate.config.TopicNames;
import io.tollgate.config.TopologySettings;
import io.tollgate.intake.RequestDecoder;
import io.tollgate.intake.ResultDecoder;
import io.tollgate.limiter.RejectReason;
import io.tollgate.limiter.rule.LimitPolicy;
import io.tollgate.policy.AccountFactsMapper;
import io.tollgate.policy.PolicyException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The limiter topology, as a function of its settings, with no side effects.
 *
 * <pre>
 * requests ─► intake ─┬──────────────────┐          ┌─► dispatch
 *                     └─► requests-routed ─► routed-intake ─┤
 *                   (another partitioner put it elsewhere)  ├─► limiter (stores) ─┼─► delay
 * results ─► result-intake ──────────────────────────────────┘          └─► rejected  ◄── bad input
 * policies ─► policy-gate ─┬─► policies-in-force ─► global store (hot reload)
 *                          └─► rejected (invalid: the version in force stays)
 * accounts ─► account-gate ─┬─► accounts-in-force ─► global store
 *                           └─► rejected
 * </pre>
 */
public final class TollgateTopology {

    /** The serializers and deserializers the topology uses for values. */
    public record ValueSerdes(Serializer<SpecificRecord> values, Deserializer<ApiRequest> requests,
                         Deserializer<DispatchResult> results, Deserializer<Account> accounts) {
    }

    private TollgateTopology() {
    }

    public static Topology build(TopologySettings settings, ValueSerdes serdes, PolicyCatalog catalog, TollgateMetrics metrics) {
        return build(settings, serdes, catalog, metrics, EarlyResults.NONE);
    }

    /** @param earlyResults results read ahead of the tasks' own consumer, applied at their punctuations */
    public static Topology build(TopologySettings settings, ValueSerdes serdes, PolicyCatalog catalog, TollgateMetrics metrics,
                                 EarlyResults earlyResults) {
        TopicNames topics = settings.topics();
        StringDeserializer keys = new StringDeserializer();
        ByteArrayDeserializer bytes = new ByteArrayDeserializer();
        RequestDecoder decoder = new RequestDecoder(serdes.requests(), settings.maxRequestBytes());
        Topology topology = new Topology();

        topology.addSource(NodeNames.REQUESTS_SOURCE, keys, bytes, topics.requests());
        topology.addProcessor(NodeNames.INTAKE, () -> new IntakeProcessor(decoder, metrics, settings.partitions()), NodeNames.REQUESTS_SOURCE);
        topology.addSink(NodeNames.ROUTED_SINK, topics.routed(), new StringSerializer(), serdes.values(), NodeNames.INTAKE);
        topology.addSource(NodeNames.ROUTED_SOURCE, keys, bytes, topics.routed());
        topology.addProcessor(NodeNames.ROUTED_INTAKE, () -> new RoutedIntakeProcessor(decoder, metrics), NodeNames.ROUTED_SOURCE);
        topology.addSource(AutoOffsetReset.earliest(), NodeNames.RESULTS_SOURCE, new ResultsFirst(), keys, bytes, topics.results());
        ResultDecoder resultDecoder = new ResultDecoder(serdes.results());
        topology.addProcessor(NodeNames.RESULT_INTAKE, () -> new ResultIntakeProcessor(resultDecoder, metrics), NodeNames.RESULTS_SOURCE);
        topology.addProcessor(NodeNames.LIMITER, () -> new LimiterProcessor(settings, catalog, metrics, earlyResults, resultDecoder),
                NodeNames.INTAKE, NodeNames.ROUTED_INTAKE, NodeNames.RESULT_INTAKE);

        for (StoreBuilder<?> store : limiterStores()) {
            topology.addStateStore(store, NodeNames.LIMITER);
        }

        StringSerializer keyWriter = new StringSerializer();
        topology.addSink(NodeNames.DISPATCH_SINK, topics.dispatch(), keyWriter, serdes.values(), NodeNames.LIMITER);
        topology.addSink(NodeNames.DELAY_SINK, topics.delay(), keyWriter, serdes.values(), NodeNames.LIMITER);
        topology.addSink(NodeNames.REJECTED_SINK, topics.rejected(), keyWriter, serdes.values(),
                NodeNames.LIMITER, NodeNames.INTAKE, NodeNames.ROUTED_INTAKE, NodeNames.RESULT_INTAKE);

        addGate(topology, "policy", RejectReason.INVALID_POLICY, topics.policies(), topics.policiesInForce(), topics.rejected(),
                serdes.values(), (id, value, policies) -> {
            LimitPolicy policy = catalog.compile(topics.policies(), value);
            if (!policy.id().equals(id)) {
                throw new PolicyException("key", "record key '" + id + "' differs from the policy id '" + policy.id() + "'");
            }
        }, metrics);
        addGate(topology, "account", RejectReason.INVALID_ACCOUNT, topics.accounts(), topics.accountsInForce(), topics.rejected(),
                serdes.values(), (id, value, policies) -> {
            Account account = catalog.readAccount(topics.accounts(), value);
            AccountFactsMapper.toFacts(account);
            if (!account.getId().equals(id)) {
                throw new PolicyException("key", "record key '" + id + "' differs from the account id '" + account.getId() + "'");
            }
            // Checked against the policy in force now; one that arrives or changes later is checked at each decision.
            AccountFactsMapper.checkZone(account, catalog.policy(account.getPolicyId(), policies).policy(), "account");
        }, metrics);
        // The global stores read what the gates let through; they check again, in case anyone writes there directly.
        topology.addGlobalStore(globalStore(StoreNames.POLICIES), NodeNames.POLICIES_IN_FORCE_SOURCE, keys, bytes, topics.policiesInForce(),
                NodeNames.POLICIES_UPDATER, () -> new GlobalRecordUpdater(StoreNames.POLICIES, "policy",
                        (id, value) -> catalog.compile(topics.policiesInForce(), value), catalog::policyChanged, metrics));
        topology.addGlobalStore(globalStore(StoreNames.ACCOUNTS), NodeNames.ACCOUNTS_IN_FORCE_SOURCE, keys, bytes, topics.accountsInForce(),
                NodeNames.ACCOUNTS_UPDATER, () -> new GlobalRecordUpdater(StoreNames.ACCOUNTS, "account",
                        (id, value) -> AccountFactsMapper.toFacts(catalog.readAccount(topics.accountsInForce(), value)), catalog::accountChanged,
                        metrics));
        return topology;
    }

    /**
     * The limiter's stores, RocksDB and changelogged. Counters and queue indexes are cached: many calls
     * of an account write the same keys (its budget's counters, a busy credential's) within one commit, and
     * the cache turns those writes into one RocksDB write and one changelog record per key and commit. The ledger is not: each call
     * has its own key there, which a cache could not coalesce.
     */
    private static StoreBuilder<?>[] limiterStores() {
        return new StoreBuilder<?>[] {
            Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.COUNTERS), Serdes.Bytes(), Serdes.ByteArray())
                    .withCachingEnabled(),
            Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.WAITING), Serdes.Bytes(), Serdes.ByteArray()),
            Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ACCOUNT_QUEUES), Serdes.Bytes(), Serdes.ByteArray())
                    .withCachingEnabled(),
            Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.DEADLINES), Serdes.Bytes(), Serdes.ByteArray()),
            Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.CALL_LEDGER), Serdes.Bytes(), Serdes.ByteArray()),
            // Earlier releases' stores: restored on an upgrade, emptied into the two above by the first work of the task.
            Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.LEGACY_LIMIT_STATE), Serdes.Bytes(), Serdes.ByteArray()),
            Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.LEGACY_IN_FLIGHT), Serdes.Bytes(), Serdes.ByteArray()),
            Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.LEGACY_REQUEST_IDS), Serdes.Bytes(), Serdes.ByteArray()),
            Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ACTIVITY), Serdes.Bytes(), Serdes.ByteArray())
                    .withCachingEnabled(),
            // Cached too: the log's writes go to RocksDB and the changelog at commit, not while a result is processed.
            Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.RECENT_CALLS), Serdes.Bytes(), Serdes.ByteArray())
                    .withCachingEnabled(),
        };
    }

    /** {@code input ─► gate ─┬─► inForce} (valid records) {@code └─► rejected} (the others, with the field they fail on). */
    private static void addGate(Topology topology, String what, RejectReason refusal, String input, String inForce, String rejected,
                                Serializer<SpecificRecord> values, RecordGate.Check validator, TollgateMetrics metrics) {
        String gate = NodeNames.gate(what);
        String inForceSink = NodeNames.gateInForceSink(what);
        String rejectedSink = NodeNames.gateRejectedSink(what);
        topology.addSource(AutoOffsetReset.earliest(), NodeNames.gateSource(what), new StringDeserializer(), new ByteArrayDeserializer(), input);
        topology.addProcessor(gate, () -> new RecordGate(what, refusal, inForceSink, rejectedSink, validator, metrics), NodeNames.gateSource(what));
        topology.addSink(inForceSink, inForce, new StringSerializer(), new ByteArraySerializer(), gate);
        topology.addSink(rejectedSink, rejected, new StringSerializer(), values, gate);
    }

    private static StoreBuilder<?> globalStore(String name) {
        // Global stores are restored from their source topic, which is compacted: no changelog.
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled();
    }
}
