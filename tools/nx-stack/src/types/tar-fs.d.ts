// The part of tar-fs (2.x, no bundled types) the runtime uses.
declare module 'tar-fs' {
  import type { Readable } from 'node:stream';
  export function pack(directory: string, options?: { entries?: string[] }): Readable;
}
