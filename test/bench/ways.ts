/**
 * The four ways the bench sends the same load to the same target: through a tunnel speaking the
 * stream extension (our client and server, both announcing it), through one speaking the classic
 * 1.0.12 wire (the client announcing nothing), through two plain Node TCP relays in a row (the
 * floor: what any Node tunnel pays at least), and straight to the target.
 */
export type Way = 'stream' | 'classic' | 'relay' | 'direct';
export const WAYS: readonly Way[] = ['stream', 'classic', 'relay', 'direct'];

export type PerWay<T> = Record<Way, T>;

export function perWay<T>(make: (way: Way) => T): PerWay<T> {
  return {stream: make('stream'), classic: make('classic'), relay: make('relay'), direct: make('direct')};
}

/** Each round starts with the next way, so that none is always measured first. */
export function rotated(round: number): Way[] {
  return WAYS.map((_, index) => WAYS[(index + round) % WAYS.length]!);
}

/** Where each way is entered, and what it costs. */
export interface Routes {
  echo: PerWay<number>;
  sink: PerWay<number>;
  /** CPU ms used so far by the processes of a way: client + server, or both relays; 0 for direct. */
  cpuMs(way: Way): Promise<number>;
}
