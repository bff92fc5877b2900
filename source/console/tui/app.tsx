/**
 * The console's screen: server tabs, pane tabs, the current pane (or a details view, the
 * help, a form, a confirmation), the status line and the key bar. Every frame is exactly
 * `rows - 1` lines of at most `columns` characters: Ink 6 clears the whole screen on each
 * frame as tall as the terminal, and a wrapped line would break the layout over SSH.
 */
import {Box, Text, useStdout, type Key} from 'ink';
import {useCallback, useEffect, useMemo, useState} from 'react';
import {messageOf} from '../../protocol/errors.js';
import * as commands from '../commands.js';
import {targetFromSaved, type ConsoleSession, type SessionServer} from '../session.js';
import type {ConsoleSettings, SavedServer} from '../settings.js';
import type {ServerView, TunnelRow} from '../store.js';
import * as actions from './actions.js';
import {KeyBar, PaneTabs, ServerTabs, StatusLine, type StatusMessage} from './chrome.js';
import {Confirm, type ConfirmSpec} from './confirm.js';
import {Details, detailLines} from './details.js';
import {Form, type FormSpec} from './form.js';
import {HelpOverlay} from './help-overlay.js';
import {LineInput} from './line-input.js';
import {bindingFor, keyBarEntries, PANES, type PaneName} from './keymap.js';
import {filterRows, Pane, rowsOf, type AnyRow, type ChannelRow, type PeerRow} from './panes.js';
import {useConsoleState, useTerminalSize} from './use-console-state.js';
import {KeysProvider, useKeys} from './use-keys.js';

export type Mode =
  | {kind: 'browse'}
  | {kind: 'filter'}
  | {kind: 'help'}
  | {kind: 'details'}
  | {kind: 'form'; spec: FormSpec}
  | {kind: 'confirm'; spec: ConfirmSpec};

export interface AppProps {
  session: ConsoleSession;
  /** The saved servers (absent: adding and editing servers is not offered). */
  settings?: ConsoleSettings;
  /** Called on q / Ctrl-C: the runner closes the session and exits. */
  onQuit(): void;
  /** A fixed size (tests); by default the terminal's, following resizes. */
  size?: {columns: number; rows: number};
  /** Throttle of redraws caused by live data. */
  refreshMs?: number;
  initialPane?: PaneName;
}

/** Fixed lines around the body: server tabs, pane tabs, status line, key bar. */
const CHROME_LINES = 4;

interface Selection {
  key: string;
  index: number;
}

const MODAL_KEYS: Record<Exclude<Mode['kind'], 'browse'>, Array<{keys: string; label: string}>> = {
  filter: [
    {keys: 'Enter', label: 'keep filter'},
    {keys: 'Esc', label: 'clear filter'},
  ],
  help: [
    {keys: 'Esc', label: 'close'},
    {keys: 'j/k', label: 'scroll'},
  ],
  details: [
    {keys: 'Esc', label: 'back'},
    {keys: 'Up/Dn', label: 'previous / next row'},
  ],
  form: [
    {keys: 'Enter', label: 'submit'},
    {keys: 'Tab', label: 'next field'},
    {keys: 'Esc', label: 'cancel'},
  ],
  confirm: [
    {keys: 'y', label: 'yes'},
    {keys: 'n', label: 'no'},
  ],
};

/** The console's screen, with its single input subscription. */
export function App(props: AppProps) {
  return (
    <KeysProvider>
      <Screen {...props} />
    </KeysProvider>
  );
}

function Screen(props: AppProps) {
  const {session, settings} = props;
  const {stdout} = useStdout();
  const {columns, rows} = useTerminalSize(stdout, props.size);
  const state = useConsoleState(session.store, props.refreshMs);
  const [serverIndex, setServerIndex] = useState(0);
  const [pane, setPane] = useState<PaneName>(props.initialPane ?? 'tunnels');
  const [selections, setSelections] = useState<Record<string, Selection>>({});
  const [filters, setFilters] = useState<Record<PaneName, string>>({channels: '', tunnels: '', peers: ''});
  const [mode, setMode] = useState<Mode>({kind: 'browse'});
  const [status, setStatus] = useState<StatusMessage | null>(null);
  const [quitting, setQuitting] = useState(false);

  useEffect(() => {
    const onNotice = (text: string) => setStatus({text, tone: 'warn'});
    session.on('notice', onNotice);
    return () => {
      session.off('notice', onNotice);
    };
  }, [session]);

  const servers = state.servers;
  const current = Math.min(serverIndex, Math.max(0, servers.length - 1));
  const view: ServerView | undefined = servers[current];
  const entry: SessionServer | undefined = view ? session.server(view.key) : undefined;
  const bodyHeight = Math.max(1, rows - 1 - CHROME_LINES);
  const width = Math.max(20, columns);

  const paneRows = useMemo(() => (view ? filterRows(rowsOf(view, pane), pane, filters[pane]) : []), [view, pane, filters]);
  const selectionKey = view ? `${view.key}:${pane}` : '';
  const remembered = selections[selectionKey];
  let selectedIndex = -1;
  if (paneRows.length > 0) {
    selectedIndex = remembered ? paneRows.findIndex((row) => row.key === remembered.key) : 0;
    if (selectedIndex === -1) selectedIndex = Math.min(remembered?.index ?? 0, paneRows.length - 1);
  }
  const selected: AnyRow | undefined = paneRows[selectedIndex];

  const select = useCallback(
    (index: number) => {
      if (paneRows.length === 0) return;
      const bounded = Math.max(0, Math.min(paneRows.length - 1, index));
      setSelections((previous) => ({...previous, [selectionKey]: {key: paneRows[bounded]!.key, index: bounded}}));
    },
    [paneRows, selectionKey],
  );

  const finish = (message: StatusMessage) => {
    setMode({kind: 'browse'});
    setStatus(message);
    if (message.select && view) {
      setPane(message.select.pane);
      setSelections((previous) => ({...previous, [`${view.key}:${message.select!.pane}`]: {key: message.select!.key, index: 0}}));
    }
  };

  const openSaved = async (saved: SavedServer) => {
    const target = await targetFromSaved(saved);
    session.addServer(target, 'saved');
    setServerIndex(session.servers.length - 1);
  };

  const quit = () => {
    if (quitting) return;
    setQuitting(true);
    const own = session.servers.reduce((sum, server) => sum + server.handle.ownTunnels.length, 0);
    setStatus({text: own > 0 ? `Closing the console's ${own} tunnel(s)...` : 'Bye', tone: 'muted'});
    props.onQuit();
  };

  const need = (what: string): boolean => {
    setStatus({text: what, tone: 'warn'});
    return false;
  };

  const act = (action: string) => {
    if (!view || !entry) {
      if (action === 'addServer' && settings) setMode({kind: 'form', spec: actions.addServerForm(settings, openSaved)});
      else need('No server: a adds one');
      return;
    }
    const handle = entry.handle;
    switch (action) {
      case 'newTunnel':
        setMode({kind: 'form', spec: actions.newTunnelForm(handle)});
        return;
      case 'delete':
        if (pane === 'tunnels') {
          if (!selected) return void need('No tunnel is selected');
          setMode({kind: 'confirm', spec: actions.tearDownConfirm(handle, selected as TunnelRow)});
        } else if (pane === 'peers') {
          const row = selected as PeerRow | undefined;
          if (!row) return void need('No peer is selected');
          setMode({
            kind: 'confirm',
            spec: row.kind === 'peer' ? actions.removePeerConfirm(handle, row.peer) : actions.removeStaticTunnelConfirm(handle, row.peer, row.tunnel),
          });
        }
        return;
      case 'disconnect':
        if (view.mode === 'legacy') return void need('This server cannot list or disconnect channels (no management API)');
        if (!selected) return void need('No channel is selected');
        setMode({kind: 'confirm', spec: actions.disconnectConfirm(handle, selected as ChannelRow)});
        return;
      case 'newPeer':
        setMode({kind: 'form', spec: actions.addPeerForm(handle)});
        return;
      case 'renamePeer':
      case 'editPeer':
      case 'newStaticTunnel': {
        const row = selected as PeerRow | undefined;
        if (!row) return void need('No peer is selected: p adds one');
        const spec =
          action === 'renamePeer'
            ? actions.renamePeerForm(handle, row.peer)
            : action === 'editPeer'
              ? actions.editPeerForm(handle, row.peer)
              : actions.addStaticTunnelForm(handle, row.peer);
        setMode({kind: 'form', spec});
        return;
      }
      case 'proxy':
        setStatus({text: `Asking ${view.name} for its proxy...`, tone: 'muted'});
        commands.getProxy(handle).then(
          (proxy) => {
            setStatus(null);
            setMode({kind: 'form', spec: actions.proxyForm(handle, proxy)});
          },
          (error: unknown) => setStatus({text: messageOf(error), tone: 'error'}),
        );
        return;
      case 'factoryReset':
        setMode({kind: 'form', spec: actions.factoryResetForm(handle)});
        return;
      case 'addServer':
        if (!settings) return void need('No settings: adding servers is off');
        setMode({kind: 'form', spec: actions.addServerForm(settings, openSaved)});
        return;
      case 'editServer':
      case 'removeServer': {
        if (!settings) return void need('No settings: saved servers are off');
        const saved = settings.listServers().find((candidate) => candidate.name === entry.target.name && candidate.url === entry.target.url);
        if (!saved) return void need(`${view.name} is not a saved server (a saves one)`);
        const close = () => session.removeServer(entry.key);
        setMode({
          kind: action === 'editServer' ? 'form' : 'confirm',
          spec:
            action === 'editServer'
              ? actions.editServerForm(settings, saved, async (updated) => {
                  await close();
                  await openSaved(updated);
                })
              : actions.removeServerConfirm(settings, saved, close),
        } as Mode);
        return;
      }
      default:
        return;
    }
  };

  const onBrowseKey = (input: string, key: Key) => {
    const binding = bindingFor(input, key, pane);
    if (!binding) return;
    const pageSize = Math.max(1, bodyHeight - 2);
    switch (binding.action) {
      case 'quit':
        quit();
        return;
      case 'help':
        setMode({kind: 'help'});
        return;
      case 'back':
        if (filters[pane] !== '') setFilters((previous) => ({...previous, [pane]: ''}));
        else setStatus(null);
        return;
      case 'nextPane':
      case 'previousPane': {
        const at = PANES.indexOf(pane);
        setPane(PANES[(at + (binding.action === 'nextPane' ? 1 : PANES.length - 1)) % PANES.length]!);
        return;
      }
      case 'up':
        select(selectedIndex - 1);
        return;
      case 'down':
        select(selectedIndex + 1);
        return;
      case 'pageUp':
        select(selectedIndex - pageSize);
        return;
      case 'pageDown':
        select(selectedIndex + pageSize);
        return;
      case 'top':
        select(0);
        return;
      case 'bottom':
        select(paneRows.length - 1);
        return;
      case 'selectServer': {
        const wanted = Number(input) - 1;
        if (wanted < servers.length) setServerIndex(wanted);
        return;
      }
      case 'nextServer':
        if (servers.length > 0) setServerIndex((current + 1) % servers.length);
        return;
      case 'previousServer':
        if (servers.length > 0) setServerIndex((current - 1 + servers.length) % servers.length);
        return;
      case 'details':
        if (selected) setMode({kind: 'details'});
        return;
      case 'filter':
        setMode({kind: 'filter'});
        return;
      default:
        act(binding.action);
    }
  };

  useKeys(onBrowseKey, mode.kind === 'browse' && !quitting);
  useKeys(
    (input, key) => {
      if (key.escape || key.return || input === 'q') setMode({kind: 'browse'});
      else if (key.upArrow || input === 'k') select(selectedIndex - 1);
      else if (key.downArrow || input === 'j') select(selectedIndex + 1);
    },
    mode.kind === 'details' && !quitting,
  );
  useKeys(
    (_input, key) => {
      if (key.escape) {
        setFilters((previous) => ({...previous, [pane]: ''}));
        setMode({kind: 'browse'});
      } else if (key.return) {
        setMode({kind: 'browse'});
      }
    },
    mode.kind === 'filter' && !quitting,
  );
  // Ctrl-C quits from anywhere, even in a form.
  useKeys(
    (input, key) => {
      if (key.ctrl && input === 'c') quit();
    },
    mode.kind !== 'browse',
  );

  let body;
  if (!view) {
    body = (
      <Box height={bodyHeight} flexDirection="column">
        <Text wrap="truncate-end">{settings ? 'No server. a adds one.' : 'No server.'}</Text>
      </Box>
    );
  } else if (mode.kind === 'help') {
    body = <HelpOverlay width={width} height={bodyHeight} onClose={() => setMode({kind: 'browse'})} />;
  } else if (mode.kind === 'form') {
    body = <Form spec={mode.spec} width={width} height={bodyHeight} onDone={finish} onCancel={() => setMode({kind: 'browse'})} />;
  } else if (mode.kind === 'confirm') {
    body = <Confirm spec={mode.spec} height={bodyHeight} onDone={finish} onCancel={() => setMode({kind: 'browse'})} />;
  } else if (mode.kind === 'details') {
    body = <Details lines={detailLines(view, pane, selected)} height={bodyHeight} />;
  } else {
    body = <Pane pane={pane} view={view} rows={paneRows} selectedKey={selected?.key} width={width} height={bodyHeight} filter={filters[pane]} />;
  }

  const counts: Record<PaneName, number | null> = view
    ? {channels: view.mode === 'legacy' ? null : view.channels.length, tunnels: view.tunnels.length, peers: view.peers.length}
    : {channels: null, tunnels: null, peers: null};
  const position = paneRows.length > bodyHeight - 1 ? `${selectedIndex + 1}/${paneRows.length}` : '';
  const rightParts = [
    filters[pane] !== '' ? `filter: ${filters[pane]}` : '',
    position,
    view?.stale ? `stale: ${view.detail ?? view.status}` : '',
  ].filter((part) => part !== '');

  let statusLine;
  if (mode.kind === 'filter') {
    statusLine = (
      <Text wrap="truncate-end">
        <Text bold>Filter: </Text>
        <LineInput key={`filter-${pane}`} value={filters[pane]} focused onChange={(text) => setFilters((previous) => ({...previous, [pane]: text}))} />
      </Text>
    );
  } else if (!status && view && view.status !== 'connected' && view.detail) {
    statusLine = <StatusLine message={{text: `${view.name}: ${view.detail}`, tone: view.status === 'down' ? 'error' : 'warn'}} width={width} />;
  } else {
    statusLine = <StatusLine message={status} width={width} />;
  }

  return (
    <Box flexDirection="column" width={width} height={rows - 1} overflowY="hidden">
      <ServerTabs servers={servers} selected={current} width={width} />
      <PaneTabs pane={pane} counts={counts} right={rightParts.join('  ')} width={width} />
      <Box height={bodyHeight} flexDirection="column" overflowY="hidden">
        {body}
      </Box>
      {statusLine}
      {mode.kind === 'browse' ? (
        <KeyBar entries={keyBarEntries(pane)} width={width} />
      ) : (
        <KeyBar entries={MODAL_KEYS[mode.kind]} width={width} />
      )}
    </Box>
  );
}
