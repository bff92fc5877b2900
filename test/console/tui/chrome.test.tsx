/** The server tabs: a server that anyone on its network may use carries a warning mark, in its own colour. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {emptyServerView, type ServerView} from '../../../source/console/store.js';
import {ServerTabs, tabText, tabTone} from '../../../source/console/tui/chrome.js';
import {SERVER_INFO} from '../../helpers/fake-console-api.js';
import {plain, renderThemed} from '../../helpers/ink.js';

function view(name: string, exposed: boolean | undefined): ServerView {
  const info = exposed === undefined ? SERVER_INFO : {...SERVER_INFO, exposed_without_auth: exposed};
  return {...emptyServerView(name, name, `http://10.0.0.1:4040`), status: 'connected', mode: 'management', info, version: '0.1.0', rttMs: 2};
}

describe('server tabs', () => {
  it('mark an exposed server (unicode and ascii), and no other', () => {
    assert.equal(tabText(view('lab', true), 0, false), '1 lab ● ⚠ no auth 0.1.0 2ms');
    assert.equal(tabText(view('lab', true), 0, true), '1 lab * ! no auth 0.1.0 2ms');
    assert.equal(tabText(view('prod', false), 1, false), '2 prod ● 0.1.0 2ms');
    assert.equal(tabText(view('old', undefined), 2, false), '3 old ● 0.1.0 2ms', 'a server that does not say is not marked');
  });

  it('draw the exposed tab in the warning colour, the others in their status colour', () => {
    assert.equal(tabTone(view('lab', true)), 'warn');
    assert.equal(tabTone(view('prod', false)), 'ok');
    assert.equal(tabTone({...view('lab', true), status: 'down'}), 'warn', 'still exposed as far as the console knows');
    const instance = renderThemed(<ServerTabs servers={[view('lab', true), view('prod', false)]} selected={1} width={80} />);
    const frame = plain(instance.lastFrame());
    instance.unmount();
    assert.equal(frame, ' 1 lab ● ⚠ no auth 0.1.0 2ms   2 prod ● 0.1.0 2ms');
  });
});
