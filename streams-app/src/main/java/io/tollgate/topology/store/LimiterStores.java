package io.tollgate.topology.store;

import io.tollgate.activity.AccountActivity;
import io.tollgate.activity.ActivityCodec;
import io.tollgate.activity.CallRecord;
import io.tollgate.config.StoreNames;
import io.tollgate.limiter.RuleKey;
import io.tollgate.limiter.StateLookup;
import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.queue.AccountQueue;
import io.tollgate.limiter.queue.LaneScheduler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limiter's state stores of one task, with the keys and encodings they use. Every store is
 * RocksDB and changelogged; nothing here lives only on the heap.
 */
public final class LimiterStores {

    private static final Logger LOG = LoggerFactory.getLogger(LimiterStores.class);

    private static final byte[] EMPTY = new byte[0];

    private final KeyValueStore<Bytes, byte[]> counters;
    private final KeyValueStore<Bytes, byte[]> waiting;
    private final KeyValueStore<Bytes, byte[]> queues;
    private final KeyValueStore<Bytes, byte[]> deadlines;
    private final KeyValueStore<Bytes, byte[]> ledger;
    private final KeyValueStore<Bytes, byte[]> activity;
    private final KeyValueStore<Bytes, byte[]> recentCalls;
    private final long retentionMs;
    private Bytes ledgerCursor;
    private Bytes activityCursor;
    /**
     * An account that made no call for this long loses its day and its log: the stores stay bounded by the
     * accounts in use, whatever account ids arrive.
     */
    public static final long ACTIVITY_RETENTION_MS = 7 * 24 * 3_600_000L;
    /** The counters of the accounts the current record or punctuation works on, written back by {@link #writeCounters}. */
    private final Map<Bytes, SubjectCounters> open = new HashMap<>();
    private final WakeSchedule schedule = new WakeSchedule();
    /** Deadlines before this were all handled: scans start here, past the tombstones of earlier ones. */
    private long deadlinesScannedUpTo;

    /** Calls waiting in this task's accounts, and who hears of each change (the instance's queue gauge). */
    private long waitingCalls;
    private final java.util.function.LongConsumer waitingChanged;

    public LimiterStores(ProcessingContext context, long retentionMs) {
        this(context, retentionMs, delta -> { });
    }

    public LimiterStores(ProcessingContext context, long retentionMs, java.util.function.LongConsumer waitingChanged) {
        this.waitingChanged = waitingChanged;
        this.counters = context.getStateStore(StoreNames.COUNTERS);
        this.waiting = context.getStateStore(StoreNames.WAITING);
        this.queues = context.getStateStore(StoreNames.ACCOUNT_QUEUES);
        this.deadlines = context.getStateStore(StoreNames.DEADLINES);
        this.ledger = context.getStateStore(StoreNames.CALL_LEDGER);
        this.activity = context.getStateStore(StoreNames.ACTIVITY);
        this.recentCalls = context.getStateStore(StoreNames.RECENT_CALLS);
        this.retentionMs = retentionMs;
        try (KeyValueIterator<Bytes, byte[]> it = queues.all()) {
            it.forEachRemaining(kv -> {
                AccountQueue queue = ValueCodec.decodeQueue(kv.value);
                schedule.set(new String(kv.key.get(), java.nio.charset.StandardCharsets.UTF_8), queue.wakeAtMs());
                waitingCalls += queue.waiting();
            });
        }
        waitingChanged.accept(waitingCalls);
    }

    // ---- counters: one value per subject, read once and written once by each record's or punctuation's work

    /** The counters of one subject of an account, read from the store the first time the current work asks for them. */
    public SubjectCounters counters(String account, String subject) {
        Bytes key = Keys.joined(account, subject);
        SubjectCounters loaded = open.get(key);
        if (loaded == null) {
            byte[] bytes = counters.get(key);
            loaded = bytes == null ? SubjectCounters.empty() : SubjectCounters.decode(bytes);
            open.put(key, loaded);
        }
        return loaded;
    }

    public StateLookup states(String account) {
        return key -> counters(account, key.subject()).get(key.ruleId());
    }

    /** Writes counter states; a null state deletes the counter. */
    public void putStates(String account, Map<RuleKey, LimitState> updates) {
        updates.forEach((key, state) -> counters(account, key.subject()).put(key.ruleId(), state));
    }

    /**
     * Ends a record's or a punctuation's work: the counters it changed go to the store, one write per
     * subject however many calls and rules counted it.
     */
    public void writeCounters() {
        try {
            open.forEach((key, changed) -> {
                if (changed.changed()) {
                    putCounters(key, changed);
                }
            });
        } finally {
            open.clear();
        }
    }

    private void putCounters(Bytes key, SubjectCounters value) {
        if (value.isEmpty()) {
            counters.delete(key);
        } else {
            counters.put(key, value.encode());
        }
    }

    /** A subject's counters as stored (null when this release cannot read them), and whose they are. */
    public record StoredCounters(Bytes key, String account, String subject, SubjectCounters counters) {
    }

    /**
     * The counters of up to {@code max} subjects after {@code afterKey} (null: from the start), in key order,
     * for the sweep that deletes counters nobody needs any more.
     */
    public List<StoredCounters> countersAfter(Bytes afterKey, int max) {
        List<StoredCounters> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = afterKey == null ? counters.all() : counters.range(Keys.successor(afterKey), null)) {
            while (it.hasNext() && out.size() < max) {
                KeyValue<Bytes, byte[]> kv = it.next();
                String[] parts = new String(kv.key.get(), StandardCharsets.UTF_8).split("\u0000", 2);
                SubjectCounters value;
                try {
                    value = SubjectCounters.decode(kv.value);
                } catch (RuntimeException e) {
                    value = null;
                }
                out.add(new StoredCounters(kv.key, parts[0], parts.length == 2 ? parts[1] : null, parts.length == 2 ? value : null));
            }
        }
        return out;
    }

    /** Writes back counters the sweep changed (outside any record's work). */
    public void replaceCounters(StoredCounters swept) {
        putCounters(swept.key(), swept.counters());
    }

    /** Calls waiting in this task's accounts. */
    public long waitingCalls() {
        return waitingCalls;
    }

    /**
     * When the longest-waiting lane head of this task started waiting, or null when nothing waits: a point
     * lookup per lane, over at most {@code maxLanes} lanes (the rest are left out of this reading).
     */
    public Long oldestWaitingSince(int maxLanes) {
        if (waitingCalls == 0) {
            return null;
        }
        Long oldest = null;
        int looked = 0;
        try (KeyValueIterator<Bytes, byte[]> it = queues.all()) {
            while (it.hasNext() && looked < maxLanes) {
                KeyValue<Bytes, byte[]> kv = it.next();
                String account = new String(kv.key.get(), StandardCharsets.UTF_8);
                for (AccountQueue.Lane lane : ValueCodec.decodeQueue(kv.value).lanes()) {
                    looked++;
                    WaitingCall head = head(account, lane);
                    if (head != null && (oldest == null || head.waitingSinceMs() < oldest)) {
                        oldest = head.waitingSinceMs();
                    }
                }
            }
        }
        return oldest;
    }

    // ---- what the account did (read by the usage API)

    /** Counts {@code call} in the account's day (in {@code zone}) and writes it over the oldest slot of its log. */
    public void record(String account, CallRecord call, ZoneId zone) {
        Bytes key = Bytes.wrap(Keys.utf8(account));
        AccountActivity before = AccountActivity.NONE;
        byte[] stored = activity.get(key);
        if (stored != null) {
            try {
                before = ActivityCodec.decodeActivity(stored);
            } catch (IllegalArgumentException e) {
                LOG.warn("Activity of account {} could not be read ({}); its counts start again", account, e.getMessage());
            }
        }
        activity.put(key, ActivityCodec.encode(before.with(call, zone)));
        recentCalls.put(recentCallKey(account, before.recorded() % StoreNames.RECENT_CALLS_KEPT), ActivityCodec.encode(call));
    }

    /** The key of slot {@code slot} of an account's log: the account's prefix and the slot, big-endian. */
    public static Bytes recentCallKey(String account, long slot) {
        byte[] prefix = Keys.prefix(account).get();
        return Bytes.wrap(ByteBuffer.allocate(prefix.length + Integer.BYTES).put(prefix).putInt((int) slot).array());
    }

    // ---- waiting calls

    public AccountQueue queue(String account) {
        if (!schedule.has(account)) {
            // The schedule lists every account with waiting calls: no need to ask RocksDB.
            return AccountQueue.EMPTY;
        }
        byte[] bytes = queues.get(Bytes.wrap(Keys.utf8(account)));
        return bytes == null ? AccountQueue.EMPTY : ValueCodec.decodeQueue(bytes);
    }

    /** Saves the account's queue index and keeps the wake-up schedule in step with it. */
    public void putQueue(String account, AccountQueue before, AccountQueue after) {
        Bytes key = Bytes.wrap(Keys.utf8(account));
        long delta = (long) after.waiting() - before.waiting();
        if (delta != 0) {
            waitingCalls += delta;
            waitingChanged.accept(delta);
        }
        if (after.isEmpty()) {
            if (!before.isEmpty()) {
                queues.delete(key);
            }
            schedule.remove(account);
            return;
        }
        queues.put(key, ValueCodec.encodeQueue(after));
        schedule.set(account, after.wakeAtMs());
    }

    public void enqueue(String account, String lane, WaitingCall call) {
        Bytes key = waitingKey(account, lane, call.request().getPriority(), call.seq());
        waiting.put(key, ValueCodec.encodeWaiting(call));
        if (call.request().getDeadline() != null) {
            long deadline = call.request().getDeadline().toEpochMilli();
            deadlines.put(Keys.timed(deadline, key.get()), EMPTY);
            // A call can arrive with a deadline the scan has already passed (it waits behind a lane head
            // that is not decided yet): the next scan must go back for it.
            deadlinesScannedUpTo = Math.min(deadlinesScannedUpTo, deadline);
        }
    }

    /** The calls of an account's lanes, as the {@link LaneScheduler} reads them. */
    public LaneScheduler.LaneCalls<WaitingCall> lanes(String account) {
        return new LaneScheduler.LaneCalls<>() {
            @Override
            public WaitingCall head(AccountQueue.Lane lane) {
                return LimiterStores.this.head(account, lane);
            }

            @Override
            public WaitingCall after(String laneId, WaitingCall call) {
                return LimiterStores.this.after(account, laneId, call);
            }
        };
    }

    /** The head of a lane: a point lookup at the key the lane index keeps. */
    public WaitingCall head(String account, AccountQueue.Lane lane) {
        byte[] value = waiting.get(waitingKey(account, lane.id(), lane.headPriority(), lane.headSeq()));
        return value == null ? first(account, lane.id(), Keys.prefix(account, lane.id())) : ValueCodec.decodeWaiting(value);
    }

    /** The call that follows {@code removed} in its lane, or null: a scan that starts after the served calls. */
    public WaitingCall after(String account, String lane, WaitingCall removed) {
        Bytes from = waitingKey(account, lane, removed.request().getPriority(), removed.seq() + 1);
        return first(account, lane, from);
    }

    private WaitingCall first(String account, String lane, Bytes from) {
        try (KeyValueIterator<Bytes, byte[]> it = waiting.range(from, Keys.upperBound(Keys.prefix(account, lane)))) {
            return it.hasNext() ? ValueCodec.decodeWaiting(it.next().value) : null;
        }
    }

    public void remove(String account, String lane, WaitingCall call) {
        Bytes key = waitingKey(account, lane, call.request().getPriority(), call.seq());
        waiting.delete(key);
        if (call.request().getDeadline() != null) {
            deadlines.delete(Keys.timed(call.request().getDeadline().toEpochMilli(), key.get()));
        }
    }

    /** Calls anywhere in a queue whose deadline is at or before {@code nowMs}: (account, lane, call). */
    public List<Expired> expiredDeadlines(long nowMs) {
        List<Expired> expired = new ArrayList<>();
        long from = deadlinesScannedUpTo;
        deadlinesScannedUpTo = Math.max(deadlinesScannedUpTo, nowMs + 1);
        try (KeyValueIterator<Bytes, byte[]> it = deadlines.range(Keys.timed(from, EMPTY), Keys.timed(nowMs + 1, EMPTY))) {
            while (it.hasNext()) {
                Bytes waitingKey = Bytes.wrap(Keys.suffixOf(it.next().key));
                byte[] value = waiting.get(waitingKey);
                if (value != null) {
                    try {
                        WaitingCall call = ValueCodec.decodeWaiting(value);
                        expired.add(new Expired(call.request().getAccount(), laneOf(waitingKey), call));
                    } catch (RuntimeException e) {
                        LOG.error("Waiting call at {} cannot be read; its deadline is skipped", waitingKey, e);
                    }
                }
            }
        }
        return expired;
    }

    /** A waiting call whose deadline passed. */
    public record Expired(String account, String lane, WaitingCall call) {
    }

    /** Accounts with waiting calls due at or before {@code nowMs}. */
    public List<String> dueAccounts(long nowMs) {
        return schedule.due(nowMs);
    }

    /** Looks at an account's waiting calls no sooner than {@code wakeAtMs} (after a failure, so that it is not retried in a loop). */
    public void postpone(String account, long wakeAtMs) {
        if (schedule.has(account)) {
            schedule.set(account, wakeAtMs);
        }
    }

    /** Every account with waiting calls. */
    public List<String> waitingAccounts() {
        return schedule.all();
    }

    public static Bytes waitingKey(String account, String lane, int priority, long seq) {
        byte[] prefix = Keys.prefix(account, lane).get();
        // Higher priority first: 1000 - priority is 0 for the highest (priorities are within +-1000).
        return Bytes.wrap(ByteBuffer.allocate(prefix.length + 12).put(prefix).putInt(1000 - priority).putLong(seq).array());
    }

    private static String laneOf(Bytes waitingKey) {
        byte[] key = waitingKey.get();
        int first = indexOf(key, 0);
        int second = indexOf(key, first + 1);
        return new String(key, first + 1, second - first - 1, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] key, int from) {
        for (int i = from; i < key.length; i++) {
            if (key[i] == 0) {
                return i;
            }
        }
        throw new IllegalStateException("malformed waiting key");
    }

    // ---- the call ledger: calls in flight and request ids (forgotten after the retention by the sweep)

    byte[] ledgerEntry(Bytes key) {
        return ledger.get(key);
    }

    void putLedgerEntry(Bytes key, byte[] entry) {
        ledger.put(key, entry);
    }

    /**
     * Moves an earlier release's counters, calls in flight and request ids into this release's stores. The
     * task's first work calls it, before it reads anything: a record context is needed to write.
     */
    public int moveLegacyState(ProcessingContext context) {
        return new LegacyStores(context).moveInto(this);
    }

    public InFlightCall inFlight(String account, String requestId) {
        byte[] entry = ledger.get(Keys.joined(account, requestId));
        return entry == null ? null : LedgerEntry.callOf(entry);
    }

    /** The call is in flight; its ledger entry, which held its id since it arrived, now holds the call too. */
    public void putInFlight(String account, String requestId, InFlightCall call) {
        ledger.put(Keys.joined(account, requestId), LedgerEntry.inFlight(call));
    }

    /** The call's result came: it is no longer in flight, and its id stays known as used at {@code atMs}. */
    public void settle(String account, String requestId, long atMs) {
        ledger.put(Keys.joined(account, requestId), LedgerEntry.seen(atMs));
    }

    public boolean seen(String account, String requestId, long nowMs) {
        byte[] entry = ledger.get(Keys.joined(account, requestId));
        return entry != null && LedgerEntry.timeOf(entry) > nowMs - retentionMs;
    }

    public void remember(String account, String requestId, long nowMs) {
        ledger.put(Keys.joined(account, requestId), LedgerEntry.seen(nowMs));
    }

    /**
     * Forgets up to {@code max} request ids and calls in flight older than the retention, continuing
     * where the last call stopped: a result that never came, an id no one will send again.
     *
     * @return how many were forgotten
     */
    public int forgetExpired(long nowMs, int max) {
        long cutoff = nowMs - retentionMs;
        Swept calls = forget(ledger, ledgerCursor, max, bytes -> {
            try {
                return LedgerEntry.timeOf(bytes) <= cutoff;
            } catch (RuntimeException e) {
                return false;
            }
        });
        long idleCutoff = nowMs - ACTIVITY_RETENTION_MS;
        Swept idle = forget(activity, activityCursor, max, bytes -> {
            try {
                return ActivityCodec.decodeActivity(bytes).lastCallAtMs() <= idleCutoff;
            } catch (IllegalArgumentException e) {
                return true; // unreadable by this release: its counts start again
            }
        });
        for (Bytes account : idle.gone()) {
            Bytes prefix = Keys.prefix(new String(account.get(), StandardCharsets.UTF_8));
            List<Bytes> slots = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> it = recentCalls.range(prefix, Keys.upperBound(prefix))) {
                it.forEachRemaining(kv -> slots.add(kv.key));
            }
            slots.forEach(recentCalls::delete);
        }
        ledgerCursor = calls.cursor();
        activityCursor = idle.cursor();
        return calls.forgotten() + idle.forgotten();
    }

    /** Where the next slice starts (null: from the beginning), and the keys this one deleted. */
    private record Swept(Bytes cursor, List<Bytes> gone) {
        int forgotten() {
            return gone.size();
        }
    }

    private static Swept forget(KeyValueStore<Bytes, byte[]> store, Bytes cursor, int max, Predicate<byte[]> expired) {
        List<Bytes> gone = new ArrayList<>();
        Bytes last = null;
        int looked = 0;
        try (KeyValueIterator<Bytes, byte[]> it = cursor == null ? store.all() : store.range(Keys.successor(cursor), null)) {
            while (it.hasNext() && looked < max) {
                KeyValue<Bytes, byte[]> kv = it.next();
                looked++;
                last = kv.key;
                if (expired.test(kv.value)) {
                    gone.add(kv.key);
                }
            }
        }
        gone.forEach(store::delete);
        return new Swept(looked < max ? null : last, gone);
    }
}
