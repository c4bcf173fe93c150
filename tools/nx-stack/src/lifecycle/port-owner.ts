import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** Who listens on a TCP port of this host, as far as /proc tells (Linux; undefined elsewhere or when hidden). */
export interface PortOwner {
  pid: number;
  command: string;
}

/** The inodes of sockets listening on `port` (IPv4 and IPv6), from /proc/net/tcp{,6}. */
export function listeningInodes(port: number, tables: string[] = readTables()): Set<string> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of tables) {
    for (const line of table.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // sl local_address rem_address st … inode (10th field); st 0A = LISTEN
      if (fields.length > 9 && fields[1].endsWith(`:${hexPort}`) && fields[3] === '0A') inodes.add(fields[9]);
    }
  }
  return inodes;
}

function readTables(): string[] {
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) => {
    try {
      return [readFileSync(file, 'utf8')];
    } catch {
      return [];
    }
  });
}

/** The process holding a listening socket on `port`, found through /proc/<pid>/fd; undefined when it cannot be seen. */
export function findPortOwner(port: number): PortOwner | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode && inodes.has(inode)) return { pid: Number(pid), command: commandOf(pid) };
    }
  }
  return undefined;
}

/** " by <who>" for a message about a busy port, or nothing when the owner cannot be seen. */
export function ownerText(owner: PortOwner | undefined, port: number): string {
  if (!owner) return '';
  if (!owner.pid) return ` by ${owner.command}`;
  // The engine's port forwarder: a container (of another stack, or started by hand) publishes it.
  if (/(^|\/)docker-proxy\b/.test(owner.command)) return ` by a container (docker-proxy, pid ${owner.pid}; see docker ps --filter publish=${port})`;
  return ` by ${owner.command} (pid ${owner.pid})`;
}

function commandOf(pid: string): string {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
    if (cmdline) return cmdline.length > 120 ? `${cmdline.slice(0, 117)}...` : cmdline;
  } catch {
    // fall through to comm
  }
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return 'unknown';
  }
}
