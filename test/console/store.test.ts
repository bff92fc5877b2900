/** The console's live model: changes announced only when a value changed, unchanged rows kept as the same objects. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {ConsoleStore, emptyServerView, reconcileList} from '../../source/console/store.js';
import {channel} from '../helpers/fake-console-api.js';

describe('ConsoleStore', () => {
  it('announces a change only when a value changed, and keeps unchanged rows as the same objects', () => {
    const store = new ConsoleStore();
    let notified = 0;
    store.subscribe(() => (notified += 1));
    store.addServer(emptyServerView('s1', 'one', 'http://a:1'));
    assert.equal(notified, 1);
    const channels = [channel(1), channel(2)];
    store.updateServer('s1', (view) => ({...view, channels}));
    assert.equal(notified, 2);
    const before = store.getServer('s1')!;
    store.updateServer('s1', (view) => ({...view, channels: [channel(1), channel(2)], status: 'connecting', rttMs: null}));
    assert.equal(notified, 2, 'equal values announce nothing');
    assert.equal(store.getServer('s1'), before);
    store.updateServer('s1', (view) => ({...view, channels: [channel(1), channel(2, {tunnel_count: 3})]}));
    assert.equal(notified, 3);
    const after = store.getServer('s1')!;
    assert.equal(after.channels[0], before.channels[0], 'the unchanged row is the same object');
    assert.notEqual(after.channels[1], before.channels[1]);
  });

  it('reconcileList returns the old list when nothing changed', () => {
    const old = [{id: 1, a: [1, 2]}, {id: 2, a: []}];
    assert.equal(reconcileList(old, structuredClone(old), (item) => item.id), old);
    const next = reconcileList(old, [structuredClone(old[1]!), structuredClone(old[0]!)], (item) => item.id);
    assert.notEqual(next, old);
    assert.equal(next[0], old[1]);
  });
});
