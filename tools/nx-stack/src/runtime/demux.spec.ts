import { demuxBuffer } from './demux';

/** One frame of Docker's multiplexed stream: [type, 0, 0, 0, length (uint32 BE)] + payload. */
const frame = (type: 0 | 1 | 2, text: string) => {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

describe('demuxBuffer', () => {
  it('splits stdout and stderr and keeps their interleaving in combined', () => {
    const buffer = Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n')]);
    expect(demuxBuffer(buffer)).toEqual({
      stdout: 'out 1\nout 2\n',
      stderr: 'err 1\n',
      combined: 'out 1\nerr 1\nout 2\n',
    });
  });

  it('an empty buffer gives empty texts', () => {
    expect(demuxBuffer(Buffer.alloc(0))).toEqual({ stdout: '', stderr: '', combined: '' });
  });

  it('reads lengths as 32-bit big-endian (frames above 255 and 65535 bytes)', () => {
    const long = 'x'.repeat(70_000);
    const result = demuxBuffer(Buffer.concat([frame(1, long), frame(2, 'tail')]));
    expect(result.stdout).toHaveLength(70_000);
    expect(result.stderr).toBe('tail');
  });

  it('keeps multi-byte UTF-8 intact, also when split across frames', () => {
    const bytes = Buffer.from('grüße ✓', 'utf8');
    const first = Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 3]), bytes.subarray(0, 3)]);
    const second = Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, bytes.length - 3]), bytes.subarray(3)]);
    expect(demuxBuffer(Buffer.concat([first, second])).stdout).toBe('grüße ✓');
  });

  it('stdin frames (type 0) count as output, an incomplete trailing header is ignored', () => {
    const buffer = Buffer.concat([frame(0, 'a'), frame(1, 'b'), Buffer.from([2, 0, 0])]);
    expect(demuxBuffer(buffer)).toEqual({ stdout: 'ab', stderr: '', combined: 'ab' });
  });

  it('a truncated last frame yields what arrived of it', () => {
    const full = frame(1, 'hello world');
    expect(demuxBuffer(full.subarray(0, full.length - 6)).stdout).toBe('hello');
  });
});
