import type { LabNode } from '../topology/model.js';

/** Kernel settings of every lab node's network namespace, whatever runtime holds it. */
export function nodeSysctls(node: LabNode): Record<string, string> {
  return {
    'net.ipv4.ip_forward': node.role === 'host' ? '0' : '1',
    'net.ipv4.conf.all.rp_filter': '0',
    'net.ipv4.conf.default.rp_filter': '0',
    // ECMP hashes on ports too, so that probe flows of one host pair spread over the paths.
    'net.ipv4.fib_multipath_hash_policy': '1',
    // Open vSwitch userspace LAG members stay kernel interfaces: with the default arp_ignore=0 the kernel
    // answers ARP on a member with that member's MAC, and frames to it that the partner hashes onto the
    // other member are dropped (a dead LAG path for some flows while LACP, BFD and BGP are up). Only the
    // interface holding the address answers.
    'net.ipv4.conf.all.arp_ignore': '1',
    'net.ipv6.conf.all.disable_ipv6': '1',
  };
}
