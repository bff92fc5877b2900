/** Machine-wide TCP counters from /proc/net/netstat (Linux); undefined elsewhere. */
import {readFileSync} from 'node:fs';

/** SYNs dropped because a listen queue was full, machine-wide, so far. */
export function listenDrops(): number | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/net/netstat', 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n').filter((line) => line.startsWith('TcpExt:'));
  if (lines.length < 2) return undefined;
  const names = lines[0]!.split(/\s+/);
  const values = lines[1]!.split(/\s+/);
  const index = names.indexOf('ListenDrops');
  return index < 0 ? undefined : Number(values[index]);
}
