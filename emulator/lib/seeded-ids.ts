/**
 * Deterministic ids for instances and isolates, so the same seed gives the same run byte for byte (fuzz replay).
 * Not cryptographic: a small xorshift generator formatted as a v4 UUID.
 */
export class SeededIds {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  private next32(): number {
    let x = this.state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.state = x;
    return x;
  }

  uuid(): string {
    // Four words in order, as before, without an array and a closure per id.
    const hex =
      this.next32().toString(16).padStart(8, "0") +
      this.next32().toString(16).padStart(8, "0") +
      this.next32().toString(16).padStart(8, "0") +
      this.next32().toString(16).padStart(8, "0");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}
