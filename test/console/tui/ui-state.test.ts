/** The screen's state: every action of the reducer, without rendering anything. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {initialUiState, selectionKeyOf, uiReducer, type UiAction, type UiState} from '../../../source/console/tui/ui-state.js';

const apply = (actions: UiAction[], from: UiState = initialUiState()) => actions.reduce(uiReducer, from);

describe('uiReducer', () => {
  it('starts on the Tunnels pane of the first server, browsing', () => {
    assert.deepEqual(initialUiState(), {
      serverIndex: 0,
      pane: 'tunnels',
      selections: {},
      filters: {channels: '', tunnels: '', connections: '', peers: '', events: ''},
      sorts: {},
      mode: {kind: 'browse'},
      status: null,
      askingQuit: false,
      quitting: false,
    });
    assert.equal(initialUiState('peers').pane, 'peers');
  });

  it('servers, panes, selections and filters', () => {
    const state = apply([
      {type: 'showServer', index: 2},
      {type: 'showPane', pane: 'peers'},
      {type: 'select', selectionKey: selectionKeyOf('s1', 'peers'), selection: {key: 'p1', index: 3}},
      {type: 'setFilter', pane: 'peers', text: 'alpha'},
    ]);
    assert.deepEqual([state.serverIndex, state.pane, state.selections, state.filters.peers], [2, 'peers', {'s1:peers': {key: 'p1', index: 3}}, 'alpha']);
    assert.equal(uiReducer(state, {type: 'setFilter', pane: 'peers', text: 'alpha'}), state, 'the same filter changes nothing');
  });

  it('a view opens over the panes and closes; done shows its message and selects its row', () => {
    let state = apply([{type: 'open', mode: {kind: 'help'}}]);
    assert.deepEqual(state.mode, {kind: 'help'});
    state = apply([{type: 'close'}, {type: 'status', message: {text: 'hello', tone: 'ok'}}], state);
    assert.deepEqual([state.mode, state.status], [{kind: 'browse'}, {text: 'hello', tone: 'ok'}]);
    state = apply([{type: 'showPane', pane: 'channels'}, {type: 'open', mode: {kind: 'details'}}], state);
    const message = {text: 'Tunnel 3/1 open', tone: 'own' as const, select: {pane: 'tunnels' as const, key: '3/1'}};
    state = uiReducer(state, {type: 'done', message, serverKey: 's2'});
    assert.deepEqual([state.mode, state.status, state.pane, state.selections['s2:tunnels']], [{kind: 'browse'}, message, 'tunnels', {key: '3/1', index: 0}]);
  });

  it('quits once', () => {
    const quitting = uiReducer(initialUiState(), {type: 'quit', message: {text: 'Bye', tone: 'muted'}});
    assert.deepEqual([quitting.quitting, quitting.status?.text], [true, 'Bye']);
    assert.equal(uiReducer(quitting, {type: 'quit', message: {text: 'again', tone: 'muted'}}), quitting);
  });

  it('asks whether to quit over a form, and stops asking when the view closes or is done', () => {
    const asking = uiReducer(initialUiState(), {type: 'askQuit', asking: true});
    assert.equal(asking.askingQuit, true);
    assert.equal(uiReducer(asking, {type: 'askQuit', asking: true}), asking, 'no change: the same state');
    assert.equal(uiReducer(asking, {type: 'close'}).askingQuit, false);
    assert.equal(uiReducer(asking, {type: 'done', message: {text: 'x', tone: 'ok'}, serverKey: undefined}).askingQuit, false);
  });
});
