/** The Prometheus text of /metrics, byte for byte where it matters: label escaping and the limit refusals. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {renderMetrics} from '../../../source/server/management/metrics.js';
import type {PeerInfo} from '../../../source/protocol/server-objects.js';
import {LimitRefusals} from '../../../source/server/limits/limit-refusals.js';

const staticTunnel = {id: 3, tunnel_local_address: '127.0.0.1', tunnel_local_port: 20000, tunnel_remote_address: '127.0.0.1', tunnel_remote_port: 22};

test('label values escape backslash, double quote and newline (text format 0.0.4)', () => {
  const peer: PeerInfo = {id: 1, name: 'a\\b"c\nd', target_netunnel_url: 'http://x', auth_data: {}, static_tunnels: [{...staticTunnel, status: 'online'}]};
  const lines = renderMetrics([], [peer]).split('\n');
  assert.ok(lines.includes('netunnel_static_tunnel_up{peer="a\\\\b\\"c\\nd",static_tunnel="3"} 1'), lines.join('\n'));
  // Nothing unescaped leaks: every sample is one line.
  assert.ok(lines.every((line) => line === '' || line.startsWith('#') || /^[a-z_]+(\{.*\})? \d+$/.test(line)), lines.join('\n'));
});

test('every limit has a refusal counter, zeros included', () => {
  const refusals = new LimitRefusals();
  refusals.count('channels');
  refusals.count('channels');
  refusals.count('tunnel_frame_bytes');
  const text = renderMetrics([], [], refusals.all());
  assert.match(text, /# TYPE netunnel_limit_refusals_total counter\n/);
  assert.match(text, /\nnetunnel_limit_refusals_total\{limit="channels"\} 2\n/);
  assert.match(text, /\nnetunnel_limit_refusals_total\{limit="tunnel_frame_bytes"\} 1\n/);
  assert.match(text, /\nnetunnel_limit_refusals_total\{limit="headers_timeout_ms"\} 0\n/);
  assert.equal(text.match(/^netunnel_limit_refusals_total\{/gm)?.length, 16);
});
