/**
 * What the screen shows besides the live data, as one state changed only by typed actions
 * through uiReducer: the server tab, the pane, the selection and filter of each pane, the
 * order of the Connections pane, the
 * view open over the panes (a form, a confirmation, the help, the details, the filter line),
 * the status line, and whether the console is quitting.
 */
import type {StatusMessage} from './chrome.js';
import type {ConfirmSpec} from './confirm.js';
import type {FormSpec} from './form.js';
import type {PaneName} from './keymap.js';
import type {SortOrder} from './table.js';

export type Mode =
  | {kind: 'browse'}
  | {kind: 'filter'}
  | {kind: 'help'}
  /** Of the selected row, or (`server`) of the server itself. */
  | {kind: 'details'; server?: boolean}
  | {kind: 'form'; spec: FormSpec}
  | {kind: 'confirm'; spec: ConfirmSpec};

/** The row selected in one pane of one server: by key, and where it was (if the key goes). */
export interface Selection {
  key: string;
  index: number;
}

export interface UiState {
  serverIndex: number;
  pane: PaneName;
  /** By `serverKey:pane`. */
  selections: Readonly<Record<string, Selection>>;
  filters: Readonly<Record<PaneName, string>>;
  /** The column each pane is sorted by (absent: the natural order). */
  sorts: Readonly<Partial<Record<PaneName, SortOrder>>>;
  mode: Mode;
  status: StatusMessage | null;
  /** Ctrl-C in a form while own tunnels are open: the question, asked over the form (kept). */
  askingQuit: boolean;
  quitting: boolean;
}

export type UiAction =
  | {type: 'showServer'; index: number}
  | {type: 'showPane'; pane: PaneName}
  | {type: 'select'; selectionKey: string; selection: Selection}
  | {type: 'setFilter'; pane: PaneName; text: string}
  /** Sorts a pane by a column (null: back to the natural order). */
  | {type: 'sort'; pane: PaneName; sort: SortOrder | null}
  /** Opens a view over the panes. */
  | {type: 'open'; mode: Exclude<Mode, {kind: 'browse'}>}
  /** Back to the panes. */
  | {type: 'close'}
  | {type: 'status'; message: StatusMessage | null}
  /** A form or confirmation done: back to the panes, its message shown, and its row selected on that server. */
  | {type: 'done'; message: StatusMessage; serverKey: string | undefined}
  | {type: 'quit'; message: StatusMessage}
  /** Asks whether to quit (over the view), or stops asking. */
  | {type: 'askQuit'; asking: boolean};

export function initialUiState(pane: PaneName = 'tunnels'): UiState {
  return {
    serverIndex: 0,
    pane,
    selections: {},
    filters: {channels: '', tunnels: '', connections: '', peers: '', events: ''},
    sorts: {},
    mode: {kind: 'browse'},
    status: null,
    askingQuit: false,
    quitting: false,
  };
}

export const selectionKeyOf = (serverKey: string, pane: PaneName) => `${serverKey}:${pane}`;

export function uiReducer(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'showServer':
      return {...state, serverIndex: action.index};
    case 'showPane':
      return {...state, pane: action.pane};
    case 'select':
      return {...state, selections: {...state.selections, [action.selectionKey]: action.selection}};
    case 'setFilter':
      return state.filters[action.pane] === action.text ? state : {...state, filters: {...state.filters, [action.pane]: action.text}};
    case 'sort': {
      const sorts = {...state.sorts};
      if (action.sort === null) delete sorts[action.pane];
      else sorts[action.pane] = action.sort;
      return {...state, sorts};
    }
    case 'open':
      return {...state, mode: action.mode};
    case 'close':
      return {...state, mode: {kind: 'browse'}, askingQuit: false};
    case 'status':
      return {...state, status: action.message};
    case 'done': {
      const next: UiState = {...state, mode: {kind: 'browse'}, status: action.message, askingQuit: false};
      const select = action.message.select;
      if (!select || action.serverKey === undefined) return next;
      return {...next, pane: select.pane, selections: {...state.selections, [selectionKeyOf(action.serverKey, select.pane)]: {key: select.key, index: 0}}};
    }
    case 'askQuit':
      return state.askingQuit === action.asking ? state : {...state, askingQuit: action.asking};
    case 'quit':
      return state.quitting ? state : {...state, quitting: true, status: action.message};
  }
}
