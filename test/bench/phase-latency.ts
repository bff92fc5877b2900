import {BenchChild} from './children.js';
import {startTunnelPair} from './tunnel-pair.js';
import {startRelayChain} from './relay-chain.js';
import {connectionCycle} from './load.js';
import {median} from './stats.js';
const n = Number(process.argv[2] ?? 2000);
const target = await BenchChild.start('target', './target-child.ts', []);
const pair = await startTunnelPair(target, 'p', {});
const relays = await startRelayChain(target);
const pexit = await BenchChild.start('pexit', './proto-child.ts', ['exit', String(target.port('echo'))]);
const pent = await BenchChild.start('pent', './proto-child.ts', ['entrance', String(pexit.port('exit'))]);
const ways: Record<string, number> = {proto: pent.port('echo'), stream: pair.echo, halfRelays: relays.halfCloseEcho, relays: relays.echo, direct: target.port('echo')};
const res: Record<string, {echo: number[]; cycle: number[]}> = {};
const procs: Record<string, BenchChild[]> = {proto: [pent, pexit], stream: [pair.client, pair.server], halfRelays: relays.relays, relays: relays.relays, direct: []};
const cpu: Record<string, number> = {};
const cpuOf = async (w: string) => { let t = 0; for (const c of procs[w]!) { const s = await c.cpu(); t += s.userMs + s.systemMs; } return t; };
for (const w of Object.keys(ways)) { res[w] = {echo: [], cycle: []}; for (let i = 0; i < 300; i++) await connectionCycle(ways[w]!); }
for (let block = 0; block < 10; block++) for (const [w, port] of Object.entries(ways)) { const c0 = await cpuOf(w); for (let i = 0; i < n / 10; i++) { const t = await connectionCycle(port); res[w]!.echo.push(t.echoMs); res[w]!.cycle.push(t.cycleMs); } cpu[w] = (cpu[w] ?? 0) + (await cpuOf(w)) - c0; }
for (const [w, r] of Object.entries(res)) console.log(w.padEnd(11), 'echo', median(r.echo).toFixed(3), 'close phase', (median(r.cycle) - median(r.echo)).toFixed(3), 'cycle', median(r.cycle).toFixed(3), 'cpu/conn', ((cpu[w] ?? 0) / n).toFixed(3));
await pent.stop(); await pexit.stop(); await pair.stop(); await relays.stop(); await target.stop();
