/**
 * Splits Docker's multiplexed stdout/stderr framing (8-byte header: stream
 * type, 3 zero bytes, big-endian length) used by logs and exec of containers
 * without a TTY.
 */
export function demuxBuffer(buffer: Buffer): { stdout: string; stderr: string; combined: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const all: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const type = buffer[offset];
    const length = buffer.readUInt32BE(offset + 4);
    const chunk = buffer.subarray(offset + 8, offset + 8 + length);
    (type === 2 ? err : out).push(chunk);
    all.push(chunk);
    offset += 8 + length;
  }
  return {
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    combined: Buffer.concat(all).toString('utf8'),
  };
}
