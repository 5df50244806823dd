/**
 * LAG carrier like hardware (min-links 1) for OVS bonds: the bond's L3 interface is up only while at
 * least one member has carrier and current LACP. OVS keeps the bridge's internal port up whatever its
 * members do, so a watcher in the node follows OVS's own database (`ovsdb-client monitor` streams each
 * change of a member's link_state and lacp_current as it happens, measured within 10 ms) and sets the L3
 * interface down and up. Routing daemons then see what they see on a real LAG: the interface goes down
 * the moment the last member stops, and eBGP sessions on it drop at once instead of waiting for BFD.
 *
 * Run as `python3 -c <script> <ovs folder> <bonds JSON>`: no file to ship into the node; it detaches
 * and writes its pid next to ovs-vswitchd's, so router-kill kills it with the rest of the box.
 */
/**
 * Python lines that detach a LAG watcher from whoever started it (double fork, new session, standard
 * streams on /dev/null as `null`) and write its pid to `<ovs>/carrier.pid`, where router-kill finds it.
 * Needs `os` imported and `ovs` set.
 */
export const detachWatcher = String.raw`
if os.fork(): os._exit(0)
os.setsid()
if os.fork(): os._exit(0)
null = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2): os.dup2(null, fd)
with open(ovs + "/carrier.pid", "w") as f: f.write(str(os.getpid()))
`;

export const carrierWatcher = String.raw`
import json, os, subprocess, sys
ovs, bonds = sys.argv[1], json.loads(sys.argv[2])
${detachWatcher}
env = dict(os.environ, OVS_RUNDIR=ovs)
monitor = subprocess.Popen(["ovsdb-client", "--format=json", "monitor", "unix:" + ovs + "/db.sock",
    "Open_vSwitch", "Interface", "name,link_state,lacp_current"], stdout=subprocess.PIPE, text=True, env=env)
members, carrier = {}, {}
for line in monitor.stdout:
    try: update = json.loads(line)
    except ValueError: continue
    for row in update.get("data", []):
        action, name, link, lacp = row[1], row[2], row[3], row[4]
        if action in ("initial", "insert", "new") and name: members[name] = link == "up" and lacp is True
        elif action == "delete" and name: members.pop(name, None)
    for bond, names in bonds.items():
        up = any(members.get(m, False) for m in names)
        if carrier.get(bond) != up:
            carrier[bond] = up
            subprocess.run(["ip", "link", "set", bond, "up" if up else "down"])
`;

/** The command that starts the watcher for a node's bonds (after ovsdb-server and the bonds exist). */
export function carrierCommand(ovsDir: string, bonds: { name: string; members: string[] }[]): string[] {
  return [
    'python3',
    '-c',
    carrierWatcher,
    ovsDir,
    JSON.stringify(Object.fromEntries(bonds.map((b) => [b.name, b.members]))),
  ];
}
