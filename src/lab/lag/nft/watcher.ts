import { detachWatcher } from '../ovs/carrier.js';
import { buckets, nftTable } from './names.js';
import type { watchedBonds } from './ruleset.js';

/**
 * The nft driver's control loop, in the node: it follows each member's carrier (`ip monitor link`, as
 * a bond follows its members' carrier, each change as it happens) and whether Open vSwitch's own bond
 * enables the member's proxy (its LACP selection: `bond/show` on its control socket every 50 ms; the
 * database's `lacp_current` stays true for 3 s after LACP expired, until OVS defaults the partner), and
 * keeps the data path in step:
 * - a member carries traffic while it has carrier and OVS's bond enables it; the bond's map of hash
 *   buckets is rewritten over the members that do, and only they are `collecting` (one nft transaction);
 * - a member's carrier is passed on to its proxy, so OVS's LACP sees the link go down and come back;
 * - the bond's L3 interface has carrier while at least one member carries traffic (min-links 1): the
 *   watcher takes its veth's far end down when the last member stops, and routing daemons see the
 *   interface go down, as on a real LAG.
 * After each change it writes the members it applied to `lag.json` (what `read` reports). Carrier loss
 * is applied before OVS notices it: the data path stops using a dead member at once. SIGHUP applies
 * everything again (the ruleset was reloaded after a partner's own ruleset flushed it).
 *
 * Run as `python3 -c <script> <ovs folder> <table> <buckets> <bonds JSON>`; it detaches and writes its pid
 * next to ovs-vswitchd's, so router-kill kills it with the rest of the box; its monitors die with it.
 */
export const nftWatcher = String.raw`
import ctypes, json, os, re, signal, socket, subprocess, sys, threading, time
ovs, table, buckets, bonds = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
poll = 0.05
${detachWatcher}
libc = ctypes.CDLL(None)
def die_with_parent(): libc.prctl(1, signal.SIGKILL)
def monitor(argv): return subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, preexec_fn=die_with_parent)
def shell(argv): return subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=null, stderr=null, text=True, preexec_fn=die_with_parent)
# Changes go to long-lived nft and ip processes: no process start (tens of ms on a busy host) per change.
nft, ip = shell(["nft", "-i"]), shell(["ip", "-force", "-batch", "-"])
links = monitor(["ip", "-o", "monitor", "link"])
lock = threading.Lock()
# carrier: each interface has carrier; selected: whether OVS's bond enables each proxy (its LACP selection).
carrier, selected, proxy_up, applied, end_up = {}, {}, {}, {}, {}
pattern = re.compile(r"^(Deleted )?\d+: ([^:@\s]+)(@\S+)?: <([^>]*)>")

def link_line(line):
    m = pattern.match(line)
    if not m: return
    flags = m.group(4).split(",")
    carrier[m.group(2)] = not m.group(1) and "UP" in flags and "LOWER_UP" in flags

def send(process, lines):
    if lines:
        process.stdin.write("".join(line + "\n" for line in lines))
        process.stdin.flush()

def apply():
    now = {b["name"]: [m["name"] for m in b["members"] if carrier.get(m["name"]) and selected.get(m["x"])] for b in bonds}
    if now != applied:
        batch = []
        for b in bonds:
            active = now[b["name"]]
            batch.append("flush map netdev %s %s" % (table, b["map"]))
            if active:
                pairs = ", ".join('%d : "%s"' % (k, active[k % len(active)]) for k in range(buckets))
                batch.append("add element netdev %s %s { %s }" % (table, b["map"], pairs))
        batch.append("flush set netdev %s collecting" % table)
        every = [m for b in bonds for m in now[b["name"]]]
        if every: batch.append("add element netdev %s collecting { %s }" % (table, ", ".join('"%s"' % m for m in every)))
        send(nft, ["; ".join(batch)])
        applied.clear(); applied.update(now)
        with open(ovs + "/lag.json.new", "w") as f: json.dump(now, f)
        os.replace(ovs + "/lag.json.new", ovs + "/lag.json")
    # The L3 carrier first (what the routers see), then what OVS's LACP should see.
    lines = []
    for b in bonds:
        want = bool(now[b["name"]])
        if end_up.get(b["end"]) != want:
            end_up[b["end"]] = want
            lines.append("link set %s %s" % (b["end"], "up" if want else "down"))
    for b in bonds:
        for m in b["members"]:
            want = bool(carrier.get(m["name"]))
            if proxy_up.get(m["y"]) != want:
                proxy_up[m["y"]] = want
                lines.append("link set %s %s" % (m["y"], "up" if want else "down"))
    send(ip, lines)

def follow_links():
    for line in links.stdout:
        with lock:
            link_line(line)
            apply()

def appctl(method):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(2)
    try:
        s.connect(ovs + "/ovs-vswitchd.ctl")
        s.sendall(json.dumps({"id": 0, "method": method, "params": []}).encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk: return ""
            data += chunk
            try: return json.loads(data.decode()).get("result") or ""
            except ValueError: continue
    except OSError: return ""
    finally: s.close()

member_line = re.compile(r"^member (\S+): (enabled|disabled)$", re.M)
def follow_ovs():
    while True:
        enabled = {m: e == "enabled" for m, e in member_line.findall(appctl("bond/show"))}
        with lock:
            if enabled != selected:
                selected.clear(); selected.update(enabled)
                apply()
        time.sleep(poll)

with lock:
    for line in subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True).stdout.splitlines():
        link_line(line)
    apply()
# SIGHUP: the ruleset was loaded again (a partner's own ruleset flushed it): apply everything anew.
def reapply(*_):
    with lock:
        # Every bond has a key in what apply computes, so an empty "applied" never equals it.
        applied.clear(); proxy_up.clear(); end_up.clear()
        apply()
signal.signal(signal.SIGHUP, reapply)
threads = [threading.Thread(target=f, daemon=True) for f in (follow_links, follow_ovs)]
for t in threads: t.start()
for t in threads: t.join()
`;

/** The command that starts the watcher for a node's bonds (after OVS and the ruleset exist). */
export function nftWatcherCommand(ovsDir: string, bonds: ReturnType<typeof watchedBonds>): string[] {
  return ['python3', '-c', nftWatcher, ovsDir, nftTable, String(buckets), JSON.stringify(bonds)];
}
