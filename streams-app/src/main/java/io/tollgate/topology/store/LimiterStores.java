package io.tollgate.topology.store;

import io.tollgate.activity.AccountActivity;
import io.tollgate.activity.ActivityCodec;
import io.tollgate.activity.CallRecord;
import io.tollgate.config.StoreNames;
import io.tollgate.limiter.RuleKey;
import io.tollgate.limiter.StateLookup;
import io.tollgate.limiter.limit.LimitState;
import io.tollgate.limiter.limit.LimitStateCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
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

    private final KeyValueStore<Bytes, byte[]> limitState;
    private final KeyValueStore<Bytes, byte[]> waiting;
    private final KeyValueStore<Bytes, byte[]> queues;
    private final KeyValueStore<Bytes, byte[]> deadlines;
    private final KeyValueStore<Bytes, byte[]> inFlight;
    private final KeyValueStore<Bytes, byte[]> requestIds;
    private final KeyValueStore<Bytes, byte[]> activity;
    private final KeyValueStore<Bytes, byte[]> recentCalls;
    private final long retentionMs;
    private Bytes idsCursor;
    private Bytes activityCursor;
    /**
     * An account that made no call for this long loses its day and its log: the stores stay bounded by the
     * accounts in use, whatever account ids arrive.
     */
    public static final long ACTIVITY_RETENTION_MS = 7 * 24 * 3_600_000L;
    private Bytes inFlightCursor;
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
        this.limitState = context.getStateStore(StoreNames.LIMIT_STATE);
        this.waiting = context.getStateStore(StoreNames.WAITING);
        this.queues = context.getStateStore(StoreNames.ACCOUNT_QUEUES);
        this.deadlines = context.getStateStore(StoreNames.DEADLINES);
        this.inFlight = context.getStateStore(StoreNames.IN_FLIGHT);
        this.requestIds = context.getStateStore(StoreNames.REQUEST_IDS);
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

    // ---- counters

    public StateLookup states(String account) {
        return key -> {
            byte[] bytes = limitState.get(Keys.joined(account, key.ruleId(), key.subject()));
            return bytes == null ? null : LimitStateCodec.decode(bytes);
        };
    }

    /** Writes counter states; a null state deletes the counter. */
    public void putStates(String account, Map<RuleKey, LimitState> updates) {
        updates.forEach((key, state) -> limitState.put(Keys.joined(account, key.ruleId(), key.subject()),
                state == null ? null : LimitStateCodec.encode(state)));
    }

    /** A counter as stored: its account, rule and subject, and its state (null when it cannot be decoded). */
    public record StoredState(String account, RuleKey key, LimitState state) {
    }

    /**
     * Up to {@code max} counters after {@code afterKey} (null: from the start), in key order, for the sweep
     * that deletes counters nobody needs any more.
     */
    public List<Map.Entry<Bytes, StoredState>> statesAfter(Bytes afterKey, int max) {
        List<Map.Entry<Bytes, StoredState>> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = afterKey == null ? limitState.all()
                : limitState.range(Keys.successor(afterKey), null)) {
            while (it.hasNext() && out.size() < max) {
                KeyValue<Bytes, byte[]> kv = it.next();
                String[] parts = new String(kv.key.get(), StandardCharsets.UTF_8).split("\u0000", 3);
                LimitState state;
                try {
                    state = LimitStateCodec.decode(kv.value);
                } catch (RuntimeException e) {
                    state = null;
                }
                out.add(Map.entry(kv.key, parts.length == 3 ? new StoredState(parts[0], new RuleKey(parts[1], parts[2]), state)
                        : new StoredState(null, null, state)));
            }
        }
        return out;
    }

    public void deleteState(Bytes key) {
        limitState.delete(key);
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

    // ---- calls in flight and request ids (forgotten after the retention by the sweep)

    public InFlightCall inFlight(String account, String requestId) {
        byte[] bytes = inFlight.get(Keys.joined(account, requestId));
        return bytes == null ? null : ValueCodec.decodeInFlight(bytes);
    }

    public void putInFlight(String account, String requestId, InFlightCall call) {
        inFlight.put(Keys.joined(account, requestId), ValueCodec.encodeInFlight(call));
    }

    public void removeInFlight(String account, String requestId) {
        inFlight.delete(Keys.joined(account, requestId));
    }

    public boolean seen(String account, String requestId, long nowMs) {
        byte[] at = requestIds.get(Keys.joined(account, requestId));
        return at != null && ByteBuffer.wrap(at).getLong() > nowMs - retentionMs;
    }

    public void remember(String account, String requestId, long nowMs) {
        requestIds.put(Keys.joined(account, requestId), ByteBuffer.allocate(8).putLong(nowMs).array());
    }

    /**
     * Forgets up to {@code max} request ids and calls in flight older than the retention, continuing
     * where the last call stopped: a result that never came, an id no one will send again.
     *
     * @return how many were forgotten
     */
    public int forgetExpired(long nowMs, int max) {
        long cutoff = nowMs - retentionMs;
        Swept ids = forget(requestIds, idsCursor, max, bytes -> bytes.length < 8 || ByteBuffer.wrap(bytes).getLong() <= cutoff);
        Swept calls = forget(inFlight, inFlightCursor, max, bytes -> {
            try {
                return ValueCodec.dispatchedAtOfInFlight(bytes) <= cutoff;
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
        idsCursor = ids.cursor();
        inFlightCursor = calls.cursor();
        activityCursor = idle.cursor();
        return ids.forgotten() + calls.forgotten() + idle.forgotten();
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
