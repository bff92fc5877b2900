/** The Events pane, rendered from a server's timeline: newest first, filtered, and its fallbacks. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {appendEvent, EMPTY_TIMELINE} from '../../../source/console/event-timeline.js';
import {formatTime} from '../../../source/console/format.js';
import {EMPTY_STREAMED_SERVER} from '../../../source/console/server-events.js';
import {emptyServerView, type ServerView} from '../../../source/console/store.js';
import {Pane} from '../../../source/console/tui/panes.js';
import {filterRows, rowsOf} from '../../../source/console/tui/pane-rows.js';
import type {ServerEvent} from '../../../source/protocol/server-events.js';
import {SERVER_INFO, peer} from '../../helpers/fake-console-api.js';
import {plain, renderThemed} from '../../helpers/ink.js';

const AT = '2026-11-27T14:00:00.000Z';

function view(events: ServerEvent[], overrides: Partial<ServerView> = {}): ServerView {
  const timeline = events.reduce((sofar, event) => appendEvent(sofar, event, EMPTY_STREAMED_SERVER, AT), EMPTY_TIMELINE);
  return {...emptyServerView('s1', 'local', 'http://127.0.0.1:4040'), status: 'connected', mode: 'management', info: SERVER_INFO, timeline, ...overrides};
}

function show(serverView: ServerView, filter = '') {
  const rows = filterRows(rowsOf(serverView, 'events'), filter);
  const instance = renderThemed(<Pane view={serverView} rows={rows} selectedKey={rows.rows[0]?.key} width={100} height={5} filter={filter} />);
  const frame = plain(instance.lastFrame());
  instance.unmount();
  return frame.split('\n');
}

describe('Events pane', () => {
  const events: ServerEvent[] = [
    {type: 'peer.added', peer: peer(1, 'alpha')},
    {type: 'auth.refused', at: AT, remote_address: '203.0.113.9', method: 'POST', path: '/channels'},
  ];
  const time = formatTime(AT).slice(11);

  it('shows the newest first: time, type, what', () => {
    const lines = show(view(events));
    assert.match(lines[0]!, /^ +TIME +EVENT +WHAT$/);
    assert.equal(lines[1]!.trimEnd(), `▶ ${time} auth.refused        Refused authentication from 203.0.113.9: POST /channels`);
    assert.equal(lines[2]!.trimEnd(), `  ${time} peer.added          Peer "alpha" added (http://10.0.0.1:4040)`);
  });

  it('filters by type and text', () => {
    const refused = show(view(events), 'refused').join('\n');
    assert.match(refused, /auth\.refused/);
    assert.doesNotMatch(refused, /peer\.added/);
    assert.match(show(view(events), 'alpha').join('\n'), /peer\.added/);
  });

  it('says when there is none, and that a 1.0.12 server streams none', () => {
    assert.match(show(view([])).join('\n'), /No event yet: channels, tunnels, peers and refusals show here\./);
    assert.match(show(view([], {mode: 'legacy', info: null})).join('\n'), /cannot stream its events/);
  });
});
