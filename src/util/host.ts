import { readFileSync } from 'node:fs';

/** The Debian (or Ubuntu) codename of this host, from /etc/os-release; undefined when it says none. */
export function hostCodename(): string | undefined {
  try {
    return readFileSync('/etc/os-release', 'utf8').match(/^VERSION_CODENAME=(\S+)$/m)?.[1];
  } catch {
    return undefined;
  }
}
