package io.tollgate.topology.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * When each account with waiting calls should be looked at next. An index derived from the
 * account-queue store (each queue records its wake-up time) and rebuilt from it when a task starts,
 * so it holds nothing the changelog does not. It lives on the heap because a RocksDB index of times
 * would be rewritten on every decision and scanned every punctuation, through the tombstones of all
 * earlier wake-ups.
 */
final class WakeSchedule {

    private final NavigableMap<Long, Set<String>> byTime = new TreeMap<>();
    private final Map<String, Long> byAccount = new HashMap<>();

    void set(String account, long wakeAtMs) {
        remove(account);
        byTime.computeIfAbsent(wakeAtMs, t -> new TreeSet<>()).add(account);
        byAccount.put(account, wakeAtMs);
    }

    void remove(String account) {
        Long previous = byAccount.remove(account);
        if (previous != null) {
            Set<String> at = byTime.get(previous);
            at.remove(account);
            if (at.isEmpty()) {
                byTime.remove(previous);
            }
        }
    }

    boolean has(String account) {
        return byAccount.containsKey(account);
    }

    List<String> due(long nowMs) {
        List<String> due = new ArrayList<>();
        byTime.headMap(nowMs, true).values().forEach(due::addAll);
        return due;
    }

    List<String> all() {
        return new ArrayList<>(byAccount.keySet());
    }
}
