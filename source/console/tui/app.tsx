/**
 * The console's screen: server tabs, pane tabs, the current pane (or a details view, the
 * help, a form, a confirmation), the status line and the key bar. What it shows besides the
 * live data is one state (ui-state.ts); its keys are use-screen-keys.ts's, the actions they
 * start start-action.ts's. Every frame is exactly
 * `rows - 1` lines of at most `columns` characters: Ink 6 clears the whole screen on each
 * frame as tall as the terminal, and a wrapped line would break the layout over SSH.
 */
import {Box, Text, useStdout} from 'ink';
import {useCallback, useEffect, useMemo, useReducer} from 'react';
import {targetOrBroken, type ConsoleSession, type SessionServer} from '../session.js';
import type {ConsoleSettings, SavedServer} from '../settings.js';
import type {ServerView} from '../store.js';
import {KeyBar, PaneTabs, ServerTabs, StatusLine, type StatusMessage} from './chrome.js';
import type {Clipboard} from './clipboard.js';
import {Confirm, quitConfirm} from './confirm.js';
import {Details, detailLines, serverLines} from './details.js';
import {Form} from './form.js';
import {HelpOverlay} from './help-overlay.js';
import {LineInput} from './line-input.js';
import {keyBarEntries, modalKeyBar, type PaneName} from './keymap.js';
import {filterRows, reportsConnections, rowAt, rowsOf, type PaneRows} from './pane-rows.js';
import {Pane} from './panes.js';
import {nextSort, sortPaneRows, sortText} from './pane-sort.js';
import type {SortOrder} from './table.js';
import {startAction} from './start-action.js';
import {useTheme} from './theme.js';
import {initialUiState, selectionKeyOf, uiReducer} from './ui-state.js';
import {useClock} from './use-clock.js';
import {useConsoleState, useTerminalSize} from './use-console-state.js';
import {KeysProvider} from './use-keys.js';
import {useScreenKeys} from './use-screen-keys.js';

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
  /** Where `y` copies to (the terminal's, OSC 52); absent: copying is not offered. */
  clipboard?: Clipboard;
  /** Called on each key, before it acts (the screen draws its frame without waiting). */
  onKey?: () => void;
}

/** Fixed lines around the body: server tabs, pane tabs, status line, key bar. */
const CHROME_LINES = 4;

const NO_ROWS: PaneRows = {pane: 'tunnels', rows: []};

/** The console's screen, with its single input subscription. */
export function App(props: AppProps) {
  return (
    <KeysProvider {...(props.onKey ? {onKey: props.onKey} : {})}>
      <Screen {...props} />
    </KeysProvider>
  );
}

function Screen(props: AppProps) {
  const {session, settings} = props;
  const theme = useTheme();
  const {stdout} = useStdout();
  const {columns, rows} = useTerminalSize(stdout, props.size);
  const state = useConsoleState(session.store, props.refreshMs);
  const [ui, dispatch] = useReducer(uiReducer, props.initialPane, initialUiState);
  const {pane, filters, mode, status} = ui;
  // The details show ages and a sliding connect history: they move each second even when no frame comes.
  const now = useClock(mode.kind === 'details');

  useEffect(() => {
    const onNotice = (text: string) => dispatch({type: 'status', message: {text, tone: 'warn'}});
    session.on('notice', onNotice);
    return () => {
      session.off('notice', onNotice);
    };
  }, [session]);

  const servers = state.servers;
  const current = Math.min(ui.serverIndex, Math.max(0, servers.length - 1));
  const view: ServerView | undefined = servers[current];
  const entry: SessionServer | undefined = view ? session.server(view.key) : undefined;
  const bodyHeight = Math.max(1, rows - 1 - CHROME_LINES);
  const width = Math.max(20, columns);

  const sort = ui.sorts[pane];
  const paneRows = useMemo(
    () => (view ? sortPaneRows(filterRows(rowsOf(view, pane), filters[pane]), sort, theme) : NO_ROWS),
    [view, pane, filters, sort, theme],
  );
  const rowCount = paneRows.rows.length;
  const selectionKey = view ? selectionKeyOf(view.key, pane) : '';
  const remembered = ui.selections[selectionKey];
  let selectedIndex = -1;
  if (rowCount > 0) {
    selectedIndex = remembered ? paneRows.rows.findIndex((row) => row.key === remembered.key) : 0;
    if (selectedIndex === -1) selectedIndex = Math.min(remembered?.index ?? 0, rowCount - 1);
  }
  const selected = rowAt(paneRows, selectedIndex);

  const select = useCallback(
    (index: number) => {
      if (paneRows.rows.length === 0) return;
      const bounded = Math.max(0, Math.min(paneRows.rows.length - 1, index));
      dispatch({type: 'select', selectionKey, selection: {key: paneRows.rows[bounded]!.key, index: bounded}});
    },
    [paneRows, selectionKey],
  );

  const finish = (message: StatusMessage) => dispatch({type: 'done', message, serverKey: view?.key});
  const close = () => dispatch({type: 'close'});

  const openSaved = async (saved: SavedServer) => {
    const target = await targetOrBroken(saved);
    session.addServer(target, 'saved');
    dispatch({type: 'showServer', index: session.servers.length - 1});
  };

  const ownTunnelCount = () => session.servers.reduce((sum, server) => sum + server.handle.ownTunnels.length, 0);
  const quit = () => {
    if (ui.quitting) return;
    const own = ownTunnelCount();
    dispatch({type: 'quit', message: {text: own > 0 ? `Closing the console's ${own} tunnel(s)...` : 'Bye', tone: 'muted'}});
    props.onQuit();
  };

  useScreenKeys({
    ui,
    dispatch,
    serverCount: servers.length,
    current,
    selectedIndex,
    rowCount,
    pageSize: Math.max(1, bodyHeight - 2),
    hasSelection: selected !== undefined,
    select,
    quit,
    sort: (flip) => {
      let next: SortOrder | null;
      if (!flip) next = nextSort(paneRows, sort, theme);
      else if (sort) next = {...sort, descending: !sort.descending};
      else next = nextSort(paneRows, undefined, theme);
      dispatch({type: 'sort', pane, sort: next});
      dispatch({type: 'status', message: {text: sortText(paneRows, next, theme), tone: 'muted'}});
    },
    interrupt: () => {
      // Asked in a form only (what was typed would be lost); elsewhere Ctrl-C quits as q does.
      if (mode.kind !== 'form' || ownTunnelCount() === 0 || ui.askingQuit) quit();
      else dispatch({type: 'askQuit', asking: true});
    },
    act: (action) => startAction(action, {view, entry, settings, pane, selected, session, dispatch, openSaved, ...(props.clipboard ? {clipboard: props.clipboard} : {})}),
  });

  let body;
  // A form needs no server (adding the first one is a form).
  if (mode.kind === 'help') {
    body = <HelpOverlay width={width} height={bodyHeight} onClose={close} />;
  } else if (mode.kind === 'form') {
    const form = <Form spec={mode.spec} width={width} height={bodyHeight} onDone={finish} onCancel={close} paused={ui.askingQuit} />;
    // The question over the form: the form stays mounted at the same place (what was typed is kept), hidden.
    body = (
      <>
        {ui.askingQuit ? <Confirm spec={quitConfirm(ownTunnelCount(), quit)} height={bodyHeight} onDone={finish} onCancel={() => dispatch({type: 'askQuit', asking: false})} /> : null}
        <Box display={ui.askingQuit ? 'none' : 'flex'} flexDirection="column">
          {form}
        </Box>
      </>
    );
  } else if (mode.kind === 'confirm') {
    body = <Confirm spec={mode.spec} height={bodyHeight} onDone={finish} onCancel={close} />;
  } else if (!view) {
    body = (
      <Box height={bodyHeight} flexDirection="column">
        <Text wrap="truncate-end">{settings ? 'No server. a adds one.' : 'No server.'}</Text>
      </Box>
    );
  } else if (mode.kind === 'details') {
    body = <Details lines={mode.server ? serverLines(view, entry?.origin, now) : detailLines(view, selected, {ascii: theme.ascii, now})} height={bodyHeight} />;
  } else {
    body = <Pane view={view} rows={paneRows} selectedKey={selected?.row.key} width={width} height={bodyHeight} filter={filters[pane]} sort={sort} />;
  }

  const counts: Record<PaneName, number | null> = view
    ? {
        channels: view.mode === 'legacy' ? null : view.channels.length,
        tunnels: view.tunnels.length,
        connections: reportsConnections(view) ? view.connections.length : null,
        peers: view.peers.length,
        events: null,
      }
    : {channels: null, tunnels: null, connections: null, peers: null, events: null};
  const position = rowCount > bodyHeight - 1 ? `${selectedIndex + 1}/${rowCount}` : '';
  const rightParts = [
    filters[pane] !== '' ? `filter: ${filters[pane]}` : '',
    position,
    view?.stale ? `stale: ${view.detail ?? view.status}` : '',
  ].filter((part) => part !== '');
  // Where the server is, when nothing else is to be said there (the embedded one's address too).
  if (rightParts.length === 0 && view) rightParts.push(view.url);

  let statusLine;
  if (mode.kind === 'filter') {
    statusLine = (
      <Text wrap="truncate-end">
        <Text bold>Filter: </Text>
        <LineInput key={`filter-${pane}`} value={filters[pane]} focused onChange={(text) => dispatch({type: 'setFilter', pane, text})} />
      </Text>
    );
  } else if (!status && view && view.status !== 'connected' && view.detail) {
    statusLine = <StatusLine message={{text: `${view.name}: ${view.detail}`, tone: view.status === 'down' || view.status === 'unusable' ? 'error' : 'warn'}} width={width} />;
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
      <KeyBar entries={ui.askingQuit ? modalKeyBar('confirm') : mode.kind === 'browse' ? keyBarEntries(pane) : modalKeyBar(mode.kind)} width={width} />
    </Box>
  );
}
