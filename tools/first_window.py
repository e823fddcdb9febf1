"""Why the first window of a token fell short of its allowance, from a ZeroRateLimitIT run.

For each of the first N calls k of a token at the vendor, call k+N could have gone one window after the
vendor answered call k. This sorts each k by why call k+N's slot came later than that (by over 30 ms):
"read late" (the limiter read k+N after it could have planned it), "woken late" (read in time, planned
later: a late drain, a window still holding units, or a call before it in the lane that was late itself).

    python3 tools/first_window.py sandbox/target/ZeroRateLimitIT-vendor-calls.txt \
        sandbox/target/ZeroRateLimitIT-decisions.txt acme-oauth 160
"""
import re,sys,statistics
vend,dec,tok,N=sys.argv[1],sys.argv[2],sys.argv[3],int(sys.argv[4])
W_MS=2000; LEAD=300  # the test's window and dispatch.lead.ms
calls=[]
for l in open(vend):
    m=re.search(r'atMs=(\d+), company=[^,]*, token=([^,]*), requestId=([^,]*),',l)
    if m and m.group(2)==tok and not m.group(3).startswith('warm-up'): calls.append((int(m.group(1)),m.group(3)))
calls.sort(); t0=calls[0][0]
D={};Q={};R={}
for l in open(dec):
    kind,rest=l.split(' ',1); kv=dict(x.split('=',1) for x in rest.split())
    if kind=='dispatched': D[kv['id']]=kv
    elif kind=='delayed': Q.setdefault(kv['id'],kv)
    elif kind=='result' and kv['outcome']=='SUCCESS': R[kv['id']]=kv
lost={'read late':[], 'woken late':[], 'on time':[]}
for k in range(N):
    a,b=calls[k],calls[k+N]
    r=R[a[1]]; free=int(r['executed'])+int(r['latency'])+12+W_MS   # the earliest slot call k leaves for k+N
    d=D[b[1]]; decided=int(d['decided']); slot=int(d['slot'])
    q=Q.get(b[1]); readAt=int(q['at']) if q else decided
    missed=slot-free
    if missed<=30: lost['on time'].append(missed)
    elif readAt>free-LEAD: lost['read late'].append(missed)
    else: lost['woken late'].append(missed)
print(tok,'first window: %d calls'%N, ', '.join('%s %d (mean %d ms)'%(k,len(v),statistics.mean(v) if v else 0) for k,v in lost.items()))
