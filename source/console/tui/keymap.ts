/**
 * The console's key bindings, in one place: the browsing keys (KEYMAP: the input handler
 * asks `bindingFor`, the key bar and the `?` help overlay are generated from it) and the keys
 * of each modal view (MODAL_KEYMAP: forms, confirmations, the help, the details view and the
 * filter line; their key bars come from it too).
 */
import type {Key} from 'ink';

export type PaneName = 'channels' | 'tunnels' | 'connections' | 'peers' | 'events';

export const PANES: readonly PaneName[] = ['channels', 'tunnels', 'connections', 'peers', 'events'];

export type Action =
  | 'help'
  | 'quit'
  | 'nextPane'
  | 'previousPane'
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'top'
  | 'bottom'
  | 'selectServer'
  | 'nextServer'
  | 'previousServer'
  | 'details'
  | 'serverDetails'
  | 'filter'
  | 'sortColumn'
  | 'sortFlip'
  | 'newTunnel'
  | 'delete'
  | 'disconnect'
  | 'newPeer'
  | 'renamePeer'
  | 'editPeer'
  | 'newStaticTunnel'
  | 'proxy'
  | 'factoryReset'
  | 'addServer'
  | 'editServer'
  | 'removeServer'
  | 'back'
  // the connections, drains and the clipboard
  | 'closeConnection'
  | 'drain'
  | 'copy';

export interface Binding {
  action: Action;
  /** Bindings with the same row read as one line of the help overlay (the first one's keys and text). */
  row: string;
  /** How the keys are written in the help overlay (on the row's first binding). */
  keys: string;
  /** What the row does, for the help overlay (short: it fits a half-width column). */
  help: string;
  /** Short label for the key bar (absent: help only). */
  bar?: {keys: string; label: string};
  /** The panes where the binding applies (absent: everywhere). */
  panes?: readonly PaneName[];
  group: 'Navigation' | 'Servers' | 'Actions' | 'General';
  matches(input: string, key: Key): boolean;
}

const plain = (key: Key) => !key.ctrl && !key.meta;
const letter = (wanted: string) => (input: string, key: Key) => input === wanted && plain(key);

export const KEYMAP: readonly Binding[] = [
  {action: 'nextPane', row: 'pane', keys: 'Tab S-Tab', help: 'Next / previous pane', bar: {keys: 'Tab', label: 'pane'}, group: 'Navigation', matches: (_input, key) => key.tab && !key.shift},
  {action: 'previousPane', row: 'pane', keys: '', help: '', group: 'Navigation', matches: (_input, key) => key.tab && key.shift},
  {action: 'up', row: 'move', keys: '↑ ↓ k j', help: 'Move the selection', group: 'Navigation', matches: (input, key) => key.upArrow || letter('k')(input, key)},
  {action: 'down', row: 'move', keys: '', help: '', group: 'Navigation', matches: (input, key) => key.downArrow || letter('j')(input, key)},
  {action: 'pageUp', row: 'page', keys: 'PgUp PgDn', help: 'Page up / down', group: 'Navigation', matches: (_input, key) => key.pageUp},
  {action: 'pageDown', row: 'page', keys: '', help: '', group: 'Navigation', matches: (_input, key) => key.pageDown},
  {action: 'top', row: 'ends', keys: 'g G', help: 'First / last row', group: 'Navigation', matches: (input, key) => key.home || letter('g')(input, key)},
  {action: 'bottom', row: 'ends', keys: '', help: '', group: 'Navigation', matches: (input, key) => key.end || letter('G')(input, key)},
  {action: 'details', row: 'details', keys: 'Enter i', help: 'Details of the row / server', bar: {keys: 'Enter', label: 'details'}, group: 'Navigation', matches: (_input, key) => key.return},
  {action: 'serverDetails', row: 'details', keys: '', help: '', group: 'Navigation', matches: letter('i')},
  {action: 'filter', row: 'filter', keys: '/ o O', help: 'Filter / sort by / flip', bar: {keys: '/', label: 'filter'}, group: 'Navigation', matches: (input, key) => input === '/' && plain(key)},
  {action: 'sortColumn', row: 'filter', keys: '', help: '', group: 'Navigation', matches: letter('o')},
  {action: 'sortFlip', row: 'filter', keys: '', help: '', group: 'Navigation', matches: letter('O')},
  {action: 'selectServer', row: 'servers', keys: '1-9 [ ]', help: 'Switch server tab', group: 'Servers', matches: (input, key) => plain(key) && /^[1-9]$/.test(input)},
  {action: 'previousServer', row: 'servers', keys: '', help: '', group: 'Servers', matches: letter('[')},
  {action: 'nextServer', row: 'servers', keys: '', help: '', group: 'Servers', matches: letter(']')},
  {action: 'addServer', row: 'addServer', keys: 'a', help: 'Add a server (saved)', group: 'Servers', matches: letter('a')},
  {action: 'editServer', row: 'editServer', keys: 'e', help: 'Edit this saved server', group: 'Servers', matches: letter('e')},
  {action: 'removeServer', row: 'removeServer', keys: 'D', help: 'Forget this saved server', group: 'Servers', matches: letter('D')},
  {action: 'newTunnel', row: 'newTunnel', keys: 'n', help: 'New tunnel, run here', bar: {keys: 'n', label: 'tunnel'}, group: 'Actions', matches: letter('n')},
  {action: 'delete', row: 'delete', keys: 'd', help: 'Tear down / remove', bar: {keys: 'd', label: 'tear down'}, panes: ['tunnels'], group: 'Actions', matches: letter('d')},
  {action: 'delete', row: 'delete', keys: '', help: '', bar: {keys: 'd', label: 'remove'}, panes: ['peers'], group: 'Actions', matches: letter('d')},
  {action: 'disconnect', row: 'disconnect', keys: 'x', help: 'Disconnect the channel', bar: {keys: 'x', label: 'disconnect'}, panes: ['channels'], group: 'Actions', matches: letter('x')},
  // ---- the connections, drains and the clipboard
  {action: 'closeConnection', row: 'closeConnection', keys: 'd', help: 'Close the connection', bar: {keys: 'd', label: 'close'}, panes: ['connections'], group: 'Actions', matches: letter('d')},
  // As k9s drains a node.
  {action: 'drain', row: 'drain', keys: 'r', help: 'Drain the tunnel, then go', bar: {keys: 'r', label: 'drain'}, panes: ['tunnels', 'connections'], group: 'Actions', matches: letter('r')},
  // As vim and k9s yank.
  {action: 'copy', row: 'copy', keys: 'y', help: 'Copy address (OSC 52)', bar: {keys: 'y', label: 'copy'}, panes: ['tunnels', 'connections'], group: 'Actions', matches: letter('y')},
  {action: 'copy', row: 'copy', keys: '', help: '', panes: ['channels', 'peers', 'events'], group: 'Actions', matches: letter('y')},
  // ----
  {action: 'newPeer', row: 'newPeer', keys: 'p', help: 'Add a peer', bar: {keys: 'p', label: 'peer'}, panes: ['peers'], group: 'Actions', matches: letter('p')},
  {action: 'renamePeer', row: 'renamePeer', keys: 'r', help: 'Rename the peer', bar: {keys: 'r', label: 'rename'}, panes: ['peers'], group: 'Actions', matches: letter('r')},
  {action: 'editPeer', row: 'editPeer', keys: 'E', help: "Edit the peer's URL / auth", panes: ['peers'], group: 'Actions', matches: letter('E')},
  {action: 'newStaticTunnel', row: 'newStaticTunnel', keys: 's', help: 'Add a static tunnel to peer', bar: {keys: 's', label: 'static'}, panes: ['peers'], group: 'Actions', matches: letter('s')},
  {action: 'proxy', row: 'proxy', keys: 'P', help: "Server's HTTP proxy", group: 'Actions', matches: letter('P')},
  {action: 'factoryReset', row: 'factoryReset', keys: 'R', help: 'Factory reset the server', group: 'Actions', matches: letter('R')},
  {action: 'help', row: 'help', keys: '?', help: 'This help', bar: {keys: '?', label: 'help'}, group: 'General', matches: (input) => input === '?'},
  {action: 'back', row: 'back', keys: 'Esc', help: 'Back, cancel, clear filter', group: 'General', matches: (_input, key) => key.escape},
  {action: 'quit', row: 'quit', keys: 'q C-c', help: 'Quit (closes own tunnels)', bar: {keys: 'q', label: 'quit'}, group: 'General', matches: (input, key) => letter('q')(input, key) || (key.ctrl && input === 'c')},
];

/** The binding a key press means in a pane, if any. */
export function bindingFor(input: string, key: Key, pane: PaneName): Binding | undefined {
  return KEYMAP.find((binding) => (!binding.panes || binding.panes.includes(pane)) && binding.matches(input, key));
}

/**
 * Why a key does nothing in `pane`, when it does something in another (`p` outside Peers):
 * said in the status line rather than nothing at all.
 */
export function elsewhereHint(input: string, key: Key, pane: PaneName): string | undefined {
  const bindings = KEYMAP.filter((candidate) => candidate.panes && !candidate.panes.includes(pane) && candidate.matches(input, key));
  if (bindings.length === 0) return undefined;
  const first = KEYMAP.find((candidate) => candidate.row === bindings[0]!.row)!;
  const panes = PANES.filter((name) => bindings.some((binding) => binding.panes!.includes(name)));
  const where = `${panes.map((name) => PANE_NAMES[name]).join(' and ')} pane${panes.length > 1 ? 's' : ''}`;
  return `${input} (${first.help.toLowerCase()}) works in the ${where}: Tab moves there`;
}

const PANE_NAMES: Record<PaneName, string> = {channels: 'Channels', tunnels: 'Tunnels', connections: 'Conns', peers: 'Peers', events: 'Events'};

/** The key bar of a pane: the bindings with a short label, in keymap order, pane actions first. */
export function keyBarEntries(pane: PaneName): Array<{keys: string; label: string}> {
  const applies = (binding: Binding) => binding.bar && (!binding.panes || binding.panes.includes(pane));
  // Actions first, then help and quit (always wanted), then the rest, as many as fit.
  const rank = (binding: Binding) => (binding.group === 'Actions' ? 0 : binding.group === 'General' ? 1 : 2);
  return KEYMAP.filter(applies)
    .map((binding, index) => ({binding, index}))
    .sort((a, b) => rank(a.binding) - rank(b.binding) || a.index - b.index)
    .map(({binding}) => binding.bar!);
}

export type HelpGroup = Binding['group'];

/** The help overlay's sections: one line per row of bindings. */
export function helpSections(): Array<{group: HelpGroup; rows: Array<{keys: string; help: string}>}> {
  const order: HelpGroup[] = ['Navigation', 'Servers', 'Actions', 'General'];
  return order.map((group) => {
    const rows: Array<{keys: string; help: string}> = [];
    const seen = new Set<string>();
    for (const binding of KEYMAP) {
      if (binding.group !== group || seen.has(binding.row)) continue;
      seen.add(binding.row);
      rows.push({keys: binding.keys, help: binding.help});
    }
    return {group, rows};
  });
}

// ---------------------------------------------------------------- modal views

/** The views that take the keys from the panes until they close. */
export type ModalKind = 'filter' | 'help' | 'details' | 'form' | 'confirm';

export type ModalAction =
  | 'keepFilter'
  | 'clearFilter'
  | 'close'
  | 'scrollDown'
  | 'scrollUp'
  | 'pageDown'
  | 'pageUp'
  | 'back'
  | 'previousRow'
  | 'nextRow'
  | 'submit'
  | 'nextField'
  | 'previousField'
  | 'cancel'
  | 'changeChoice'
  | 'yes'
  | 'no';

export interface ModalBinding {
  action: ModalAction;
  /** Its entry in the modal view's key bar (absent: not shown there). */
  bar?: {keys: string; label: string};
  matches(input: string, key: Key): boolean;
}

export const MODAL_KEYMAP: Readonly<Record<ModalKind, readonly ModalBinding[]>> = {
  filter: [
    {action: 'keepFilter', bar: {keys: 'Enter', label: 'keep filter'}, matches: (_input, key) => key.return},
    {action: 'clearFilter', bar: {keys: 'Esc', label: 'clear filter'}, matches: (_input, key) => key.escape},
  ],
  help: [
    {action: 'close', bar: {keys: 'Esc', label: 'close'}, matches: (input, key) => key.escape || input === '?' || input === 'q' || key.return},
    {action: 'scrollDown', bar: {keys: 'j/k', label: 'scroll'}, matches: (input, key) => key.downArrow || input === 'j'},
    {action: 'scrollUp', matches: (input, key) => key.upArrow || input === 'k'},
    {action: 'pageDown', matches: (input, key) => key.pageDown || input === ' '},
    {action: 'pageUp', matches: (_input, key) => key.pageUp},
  ],
  details: [
    {action: 'back', bar: {keys: 'Esc', label: 'back'}, matches: (input, key) => key.escape || key.return || input === 'q'},
    {action: 'previousRow', bar: {keys: 'Up/Dn', label: 'previous / next row'}, matches: (input, key) => key.upArrow || input === 'k'},
    {action: 'nextRow', matches: (input, key) => key.downArrow || input === 'j'},
  ],
  form: [
    {action: 'submit', bar: {keys: 'Enter', label: 'submit'}, matches: (_input, key) => key.return},
    {action: 'nextField', bar: {keys: 'Tab', label: 'next field'}, matches: (_input, key) => (key.tab && !key.shift) || key.downArrow},
    {action: 'previousField', matches: (_input, key) => (key.tab && key.shift) || key.upArrow},
    {action: 'cancel', bar: {keys: 'Esc', label: 'cancel'}, matches: (_input, key) => key.escape},
    // Only on a choice field: a text field's own input takes these keys first.
    {action: 'changeChoice', matches: (input, key) => key.leftArrow || key.rightArrow || input === ' '},
  ],
  confirm: [
    {action: 'yes', bar: {keys: 'y', label: 'yes'}, matches: (input) => input === 'y' || input === 'Y'},
    {action: 'no', bar: {keys: 'n', label: 'no'}, matches: (input, key) => input === 'n' || input === 'N' || key.escape || input === 'q'},
  ],
};

/** What a key press means in a modal view, if anything. */
export function modalActionFor(kind: ModalKind, input: string, key: Key): ModalAction | undefined {
  return MODAL_KEYMAP[kind].find((binding) => binding.matches(input, key))?.action;
}

/** The key bar of a modal view. */
export function modalKeyBar(kind: ModalKind): Array<{keys: string; label: string}> {
  return MODAL_KEYMAP[kind].flatMap((binding) => (binding.bar ? [binding.bar] : []));
}

/** Quits from anywhere, a form included (in the panes, KEYMAP's quit has it). */
export function isQuitKey(input: string, key: Key): boolean {
  return key.ctrl && input === 'c';
}
