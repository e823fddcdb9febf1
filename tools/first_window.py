"""Why the first window of a token fell short of its allowance, from a ZeroRateLimitIT run.

For each of the first N calls k of a token at the vendor, call k+N could have gone one window after the
vendor answered call k (plus the 12 ms the limiter adds: 2 ms of rounding and the default
dispatch.clock.tolerance.ms). Each k falls in one of three groups:
  on time       call k+N's slot opened within 30 ms of that;
  read late     the limiter read call k+N after it could have planned it (lead included);
  planned late  it was read in time and planned later: a late drain, a window still holding units, or a
                call before it in the lane that was late itself.

    python3 tools/first_window.py sandbox/target/ZeroRateLimitIT-vendor-calls.txt \\
        sandbox/target/ZeroRateLimitIT-decisions.txt acme-oauth 160 [--planned-late]

With --planned-late, a line per call planned late: how long after its turn within the lead it was decided
(its window's turn less dispatch.lead.ms), and how long before that the result it waited for was written.
"""
import re
import statistics
import sys

WINDOW_MS = 2000   # the test's Pipedrive burst window
LEAD_MS = 300      # dispatch.lead.ms
SLACK_MS = 12      # rounding and the clock tolerance


def vendor_calls(path, token):
    calls = []
    for line in open(path):
        m = re.search(r'atMs=(\d+), company=[^,]*, token=([^,]*), requestId=([^,]*),', line)
        if m and m.group(2) == token and not m.group(3).startswith('warm-up'):
            calls.append((int(m.group(1)), m.group(3)))
    return sorted(calls)


def decisions(path):
    """The last dispatch of each call, its first delay notice, and its successful result."""
    dispatched, delayed, answered = {}, {}, {}
    for line in open(path):
        if not line[0].isalpha() or '=' not in line:
            continue
        kind, rest = line.split(' ', 1)
        fields = dict(x.split('=', 1) for x in rest.split())
        if kind == 'dispatched':
            dispatched[fields['id']] = fields
        elif kind == 'delayed':
            delayed.setdefault(fields['id'], fields)
        elif kind == 'result' and fields['outcome'] == 'SUCCESS':
            answered[fields['id']] = fields
    return dispatched, delayed, answered


def main(vendor_file, decisions_file, token, n, show_planned_late=False):
    calls = vendor_calls(vendor_file, token)
    if len(calls) < 2 * n:
        sys.exit(f'{token}: {len(calls)} calls at the vendor, fewer than 2 x {n}')
    dispatched, delayed, answered = decisions(decisions_file)
    groups = {'on time': [], 'read late': [], 'planned late': []}
    unknown = 0
    details = []
    for k in range(n):
        first, follower = calls[k][1], calls[k + n][1]
        if first not in answered or follower not in dispatched:
            unknown += 1
            continue
        result = answered[first]
        free_at = int(result['executed']) + int(result['latency']) + SLACK_MS + WINDOW_MS
        plan = dispatched[follower]
        missed = int(plan['slot']) - free_at
        read_at = int(delayed[follower]['at']) if follower in delayed else int(plan['decided'])
        if missed <= 30:
            groups['on time'].append(missed)
        elif read_at > free_at - LEAD_MS:
            groups['read late'].append(missed)
        else:
            groups['planned late'].append(missed)
            details.append(f'  call {k + n}: {missed} ms late, decided {int(plan["decided"]) - (free_at - LEAD_MS)} ms after its turn '
                           f'within the lead, the result of call {k} written {free_at - LEAD_MS - int(result["written"])} ms before it')
    summary = ', '.join(f'{name} {len(ms)} (mean {statistics.mean(ms) if ms else 0:.0f} ms later)' for name, ms in groups.items())
    print(f'{token} first window, {n} calls: {summary}' + (f', {unknown} without a result or dispatch record' if unknown else ''))
    if show_planned_late:
        print('\n'.join(details))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), '--planned-late' in sys.argv[5:])
