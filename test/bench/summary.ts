/**
 * The bench's results as one table (every way side by side, ratios of the stream extension to
 * each other way) with the targets of issue 10, and the figures behind it for the JSON report.
 */
import type {EventStreamResult} from './event-stream.js';
import type {ConcurrentResult} from './load.js';
import {fixed, type Row} from './report.js';
import type {HalfCloseFloor, IdleMemory, NewConnections, StreamFloor, Throughput} from './scenarios.js';
import {median, percentile} from './stats.js';
import {perWay, type PerWay} from './ways.js';

export interface BenchResults {
  params: {burst: number; burstSize: number; streams: number; singleBytes: number; parallelBytes: number};
  cycles: NewConnections;
  halfClose: HalfCloseFloor;
  oneStreamFloor: StreamFloor;
  burst: PerWay<ConcurrentResult[]>;
  single: Throughput;
  parallel: Throughput;
  idleStream: IdleMemory;
  idleClassic: IdleMemory;
  /** The /events stream while connections churn through the stream tunnel. */
  churn: EventStreamResult;
}

/** Targets: new connection p50 at most the relays' and half the classic path's; a burst at most 3x direct; one stream at least 0.8x the relays; idle connections under 30 KiB a side. */
const TARGET = {p50VsClassic: 0.5, burstVsDirect: 3, singleVsRelay: 0.8, idleKiB: 30};

const yes = (ok: boolean) => (ok ? 'yes' : 'NO');

export function summarize(results: BenchResults) {
  const {params, cycles, halfClose, oneStreamFloor, burst, single, parallel, idleStream, idleClassic, churn} = results;
  const p50 = perWay((way) => percentile(cycles.cycleMs[way], 50));
  const p99 = perWay((way) => percentile(cycles.cycleMs[way], 99));
  const echoP50 = perWay((way) => percentile(cycles.echoMs[way], 50));
  const streamFloorRate = {stream: median(oneStreamFloor.stream), relay: median(oneStreamFloor.relay), websocketFloor: median(oneStreamFloor.websocketFloor)};
  const halfCloseP50 = {stream: percentile(halfClose.streamMs, 50), relay: percentile(halfClose.relayMs, 50), websocketFloor: percentile(halfClose.websocketFloorMs, 50), plainRelay: percentile(halfClose.plainRelayMs, 50)};
  const burstSeconds = perWay((way) => median(burst[way].map((result) => result.wallMs)) / 1000);
  const intact = perWay((way) => burst[way].every((result) => result.intact === result.connections));
  const rate = (samples: Throughput, bytes: number) => perWay((way) => median(samples.ms[way].map((ms) => bytes / 1e6 / (ms / 1000))));
  const singleRate = rate(single, params.singleBytes);
  const parallelRate = rate(parallel, params.parallelBytes);
  const cpuPerGB = (samples: Throughput) => perWay((way) => median(samples.cpuSecondsPerGB[way]));
  const singleCpu = cpuPerGB(single);
  const parallelCpu = cpuPerGB(parallel);

  const met = {
    p50: p50.stream <= p50.relay && p50.stream <= TARGET.p50VsClassic * p50.classic,
    burst: burstSeconds.stream <= TARGET.burstVsDirect * burstSeconds.direct && intact.stream,
    single: singleRate.stream >= TARGET.singleVsRelay * singleRate.relay,
    idle: idleStream.serverKiB < TARGET.idleKiB && idleStream.clientKiB < TARGET.idleKiB,
  };

  /** A row of every way, with the ratios of the stream extension to the others. */
  const row = (measure: string, values: PerWay<number>, digits: number, target = '', ok?: boolean, skip: Array<keyof PerWay<number>> = []): Row => {
    const cell = (way: keyof PerWay<number>) => (skip.includes(way) ? '' : fixed(values[way], digits));
    const ratio = (way: keyof PerWay<number>) => (skip.includes(way) ? '' : fixed(values.stream / values[way], 2));
    return {
      measure,
      stream: cell('stream'),
      classic: cell('classic'),
      relay: cell('relay'),
      direct: cell('direct'),
      toDirect: ratio('direct'),
      toRelay: ratio('relay'),
      toClassic: ratio('classic'),
      target,
      met: ok === undefined ? '' : yes(ok),
    };
  };
  const streamOnly = (measure: string, value: string): Row => ({...row(measure, perWay(() => Number.NaN), 0), stream: value, classic: '', relay: '', direct: '', toDirect: '', toRelay: '', toClassic: ''});
  /** A figure measured in turns with a floor: its value, the floor's, and its ratio to the floor. */
  const againstFloor = (measure: string, value: number, floor: number, digits: number): Row => ({
    ...streamOnly(measure, fixed(value, digits)),
    relay: fixed(floor, digits),
    toRelay: fixed(value / floor, 2),
  });
  const idle = (side: 'server' | 'client'): Row => ({
    ...row(`idle connection RSS KiB each, ${side} side (n=${idleStream.connections})`, perWay(() => Number.NaN), 1, `< ${TARGET.idleKiB}`, side === 'server' ? idleStream.serverKiB < TARGET.idleKiB : idleStream.clientKiB < TARGET.idleKiB),
    stream: fixed(side === 'server' ? idleStream.serverKiB : idleStream.clientKiB, 1),
    classic: fixed(side === 'server' ? idleClassic.serverKiB : idleClassic.clientKiB, 1),
    relay: '',
    direct: '',
    toDirect: '',
    toRelay: '',
    toClassic: fixed(side === 'server' ? idleStream.serverKiB / idleClassic.serverKiB : idleStream.clientKiB / idleClassic.clientKiB, 2),
  });
  const rows: Row[] = [
    row('new connection p50 ms (connect, 1 byte echoed, close)', p50, 3, '<= relays, <= classic/2', met.p50),
    row('new connection p99 ms', p99, 3),
    // The relays end both sides at the first FIN; a tunnel that keeps half-close carries it to the target and back.
    row('  p50 until the byte is back (before the close)', echoP50, 3),
    againstFloor('  p50 against 2 relays that keep half-close (these four again, in turns)', halfCloseP50.stream, halfCloseP50.relay, 3),
    againstFloor('  p50 of the least websocket tunnel (its ratio: to those relays)', halfCloseP50.websocketFloor, halfCloseP50.relay, 3),
    againstFloor('  p50 of the plain relays in those turns (its ratio: to the relays that keep half-close)', halfCloseP50.plainRelay, halfCloseP50.relay, 3),
    row('  CPU ms per connection (client+server; relays)', cycles.cpuMsPerConnection, 2, '', undefined, ['direct']),
    row(`${params.burst} x ${params.burstSize / 1024} KiB echoed at once, wall s (median)`, burstSeconds, 3, `<= ${TARGET.burstVsDirect}x direct`, met.burst),
    {...row('  all connections intact (byte-checked)', perWay(() => Number.NaN), 0), ...perWay((way) => (intact[way] ? 'yes' : 'NO')), toDirect: '', toRelay: '', toClassic: ''},
    row('one stream MB/s (median)', singleRate, 0, `>= ${TARGET.singleVsRelay}x relays`, met.single),
    row('  CPU s per GB carried', singleCpu, 2, '', undefined, ['direct']),
    againstFloor('  one stream again, in turns with the relays and the least websocket tunnel', streamFloorRate.stream, streamFloorRate.relay, 0),
    againstFloor('  one stream of the least websocket tunnel (its ratio: to the relays)', streamFloorRate.websocketFloor, streamFloorRate.relay, 0),
    row(`${params.streams} streams MB/s (median, aggregate)`, parallelRate, 0),
    row('  CPU s per GB carried', parallelCpu, 2, '', undefined, ['direct']),
    idle('server'),
    idle('client'),
    streamOnly(`/events kB/s, ${fixed(churn.achievedRate, 0)} new connections/s (${churn.failures} failed)`, fixed(churn.bytes / 1000 / churn.seconds, 2)),
    streamOnly('  /events frames/s', fixed(churn.frames / churn.seconds, 2)),
  ];
  const verdicts = [
    `new connection p50: stream ${fixed(p50.stream, 3)} ms, ${fixed(p50.stream / p50.relay, 2)}x the relays, ${fixed(p50.stream / p50.classic, 2)}x classic (target <= 1x and <= ${TARGET.p50VsClassic}x): ${met.p50 ? 'met' : 'NOT met'}`,
    `  the same cycle against 2 relays that keep half-close: ${fixed(halfCloseP50.stream / halfCloseP50.relay, 2)}x; against the least websocket tunnel: ${fixed(halfCloseP50.stream / halfCloseP50.websocketFloor, 2)}x (which is itself ${fixed(halfCloseP50.websocketFloor / halfCloseP50.relay, 2)}x those relays); the plain relays, which cut the close short, are ${fixed(halfCloseP50.plainRelay / halfCloseP50.relay, 2)}x them`,
    `burst: ${fixed(burstSeconds.stream / burstSeconds.direct, 2)}x direct, the relays ${fixed(burstSeconds.relay / burstSeconds.direct, 2)}x (target <= ${TARGET.burstVsDirect}x, all intact): ${met.burst ? 'met' : 'NOT met'}`,
    `one stream: ${fixed(singleRate.stream / singleRate.relay, 2)}x the relays (target >= ${TARGET.singleVsRelay}x): ${met.single ? 'met' : 'NOT met'}`,
    `  in turns: ${fixed(streamFloorRate.stream / streamFloorRate.relay, 2)}x the relays; ${fixed(streamFloorRate.stream / streamFloorRate.websocketFloor, 2)}x the least websocket tunnel (which is itself ${fixed(streamFloorRate.websocketFloor / streamFloorRate.relay, 2)}x the relays)`,
    `idle connections: server ${fixed(idleStream.serverKiB, 1)} KiB, client ${fixed(idleStream.clientKiB, 1)} KiB each (target < ${TARGET.idleKiB}): ${met.idle ? 'met' : 'NOT met'}`,
  ];
  const failures = Object.values(burst).flatMap((results) => results.flatMap((result) => result.failures));
  const figures = {p50, p99, halfCloseP50, streamFloorRate, cpuMsPerConnection: cycles.cpuMsPerConnection, burstSeconds, intact, singleRate, singleCpu, parallelRate, parallelCpu, idleStream, idleClassic, met};
  return {rows, verdicts, failures, figures};
}
