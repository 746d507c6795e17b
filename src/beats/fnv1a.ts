const encoder = new TextEncoder();

/** FNV-1a, 32 bits, over the UTF-8 bytes of `text`; an unsigned integer in [0, 2^32). */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
