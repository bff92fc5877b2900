/**
 * What an action key opens: the form or confirmation of one console command (actions.ts),
 * for the selected row of the current pane and server; or, when it cannot, why, in the
 * status line.
 */
import {messageOf} from '../../protocol/errors.js';
import * as commands from '../commands.js';
import type {ConsoleSession, SessionServer} from '../session.js';
import type {ConsoleSettings, SavedServer} from '../settings.js';
import type {ServerView} from '../store.js';
import * as actions from './actions.js';
import {addServerForm, editServerForm, removeServerConfirm} from './saved-server-actions.js';
import type {Clipboard} from './clipboard.js';
import {closeConnectionConfirm, drainConfirm} from './connection-actions.js';
import {copyTextOf} from './copy-text.js';
import {reportsConnections} from './pane-rows.js';
import type {Action, PaneName} from './keymap.js';
import type {PaneRow} from './pane-rows.js';
import type {UiAction} from './ui-state.js';

export interface ActionContext {
  view: ServerView | undefined;
  entry: SessionServer | undefined;
  settings: ConsoleSettings | undefined;
  pane: PaneName;
  selected: PaneRow | undefined;
  session: ConsoleSession;
  dispatch(action: UiAction): void;
  /** Opens a saved server's tab. */
  openSaved(saved: SavedServer): Promise<void>;
  /** The terminal's clipboard (absent: `y` says it cannot copy). */
  clipboard?: Clipboard;
}

export function startAction(action: Action, context: ActionContext): void {
  const {view, entry, settings, selected, dispatch} = context;
  const need = (text: string) => dispatch({type: 'status', message: {text, tone: 'warn'}});
  if (!view || !entry) {
    if (action === 'addServer' && settings) dispatch({type: 'open', mode: {kind: 'form', spec: addServerForm(settings, context.openSaved)}});
    else need('No server: a adds one');
    return;
  }
  const handle = entry.handle;
  const peerRow = selected?.pane === 'peers' ? selected.row : undefined;
  switch (action) {
    case 'newTunnel':
      dispatch({type: 'open', mode: {kind: 'form', spec: actions.newTunnelForm(handle)}});
      return;
    case 'delete':
      if (context.pane === 'tunnels') {
        if (selected?.pane !== 'tunnels') return need('No tunnel is selected');
        dispatch({type: 'open', mode: {kind: 'confirm', spec: actions.tearDownConfirm(handle, selected.row)}});
      } else if (context.pane === 'peers') {
        if (!peerRow) return need('No peer is selected');
        const spec = peerRow.kind === 'peer' ? actions.removePeerConfirm(handle, peerRow.peer) : actions.removeStaticTunnelConfirm(handle, peerRow.peer, peerRow.tunnel);
        dispatch({type: 'open', mode: {kind: 'confirm', spec}});
      }
      return;
    case 'disconnect':
      if (view.mode === 'legacy') return need('This server cannot list or disconnect channels (no management API)');
      if (selected?.pane !== 'channels') return need('No channel is selected');
      dispatch({type: 'open', mode: {kind: 'confirm', spec: actions.disconnectConfirm(handle, selected.row)}});
      return;
    case 'newPeer':
      dispatch({type: 'open', mode: {kind: 'form', spec: actions.addPeerForm(handle)}});
      return;
    case 'renamePeer':
    case 'editPeer':
    case 'newStaticTunnel': {
      if (!peerRow) return need('No peer is selected: p adds one');
      const spec =
        action === 'renamePeer'
          ? actions.renamePeerForm(handle, peerRow.peer)
          : action === 'editPeer'
            ? actions.editPeerForm(handle, peerRow.peer)
            : actions.addStaticTunnelForm(handle, peerRow.peer);
      dispatch({type: 'open', mode: {kind: 'form', spec}});
      return;
    }
    case 'proxy':
      dispatch({type: 'status', message: {text: `Asking ${view.name} for its proxy...`, tone: 'muted'}});
      commands.getProxy(handle).then(
        (proxy) => {
          dispatch({type: 'status', message: null});
          dispatch({type: 'open', mode: {kind: 'form', spec: actions.proxyForm(handle, proxy)}});
        },
        (error: unknown) => dispatch({type: 'status', message: {text: messageOf(error), tone: 'error'}}),
      );
      return;
    case 'factoryReset':
      dispatch({type: 'open', mode: {kind: 'form', spec: actions.factoryResetForm(handle)}});
      return;
    case 'addServer':
      if (!settings) return need('No settings: adding servers is off');
      dispatch({type: 'open', mode: {kind: 'form', spec: addServerForm(settings, context.openSaved)}});
      return;
    case 'editServer':
    case 'removeServer': {
      if (!settings) return need('No settings: saved servers are off');
      const saved = settings.listServers().find((candidate) => candidate.name === entry.target.name && candidate.url === entry.target.url);
      if (!saved) return need(`${view.name} is not a saved server (a saves one)`);
      const close = () => context.session.removeServer(entry.key);
      if (action === 'editServer') {
        const reopen = async (updated: SavedServer) => {
          await close();
          await context.openSaved(updated);
        };
        dispatch({type: 'open', mode: {kind: 'form', spec: editServerForm(settings, saved, reopen)}});
      } else {
        dispatch({type: 'open', mode: {kind: 'confirm', spec: removeServerConfirm(settings, saved, close)}});
      }
      return;
    }
    // ---- the connections, drains and the clipboard
    case 'closeConnection':
    case 'drain': {
      if (!reportsConnections(view)) return need(`${view.name} cannot ${action === 'drain' ? 'drain tunnels' : 'close connections'}: it has no connections API`);
      const connection = selected?.pane === 'connections' ? selected.row : undefined;
      if (action === 'closeConnection') {
        if (!connection) return need('No connection is selected');
        dispatch({type: 'open', mode: {kind: 'confirm', spec: closeConnectionConfirm(handle, connection)}});
        return;
      }
      const tunnel = selected?.pane === 'tunnels' ? selected.row : connection?.tunnel;
      if (!tunnel) return need(connection ? `The tunnel of connection ${connection.id} is gone` : 'No tunnel is selected');
      if (tunnel.draining) return need(`Tunnel ${tunnel.key} is already draining (d tears it down at once)`);
      dispatch({type: 'open', mode: {kind: 'confirm', spec: drainConfirm(handle, tunnel)}});
      return;
    }
    case 'copy': {
      const copied = copyTextOf(view, selected);
      if ('missing' in copied) return need(copied.missing);
      if (!context.clipboard) return need('This console has no terminal clipboard to copy to');
      context.clipboard.copy(copied.text);
      dispatch({type: 'status', message: {text: `Copied to the clipboard: ${copied.text}`, tone: 'ok'}});
      return;
    }
    default:
      return;
  }
}
