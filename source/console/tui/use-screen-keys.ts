/**
 * The screen's own keys: browsing the panes (KEYMAP), the details view and the filter line
 * (MODAL_KEYMAP), and Ctrl-C, which quits from anywhere. Forms, confirmations and the help
 * take their keys themselves; use-keys.ts routes each key by priority.
 */
import type {Key} from 'ink';
import {bindingFor, elsewhereHint, isQuitKey, modalActionFor, PANES, type Action, type PaneName} from './keymap.js';
import type {UiAction, UiState} from './ui-state.js';
import {KEY_PRIORITY, useKeys} from './use-keys.js';

export interface ScreenKeys {
  ui: UiState;
  dispatch(action: UiAction): void;
  serverCount: number;
  /** The server tab shown (ui.serverIndex, bounded). */
  current: number;
  selectedIndex: number;
  rowCount: number;
  /** Rows a page moves. */
  pageSize: number;
  /** Whether a row is selected (details need one). */
  hasSelection: boolean;
  select(index: number): void;
  quit(): void;
  /** o (the next column) or O (flip the order): sorts the pane. */
  sort(flip: boolean): void;
  /** Ctrl-C in a view over the panes (a form...): quits, or asks first while own tunnels are open. */
  interrupt(): void;
  /** An action key (new tunnel, delete, ...): startAction. */
  act(action: Action): void;
}

export function useScreenKeys(keys: ScreenKeys): void {
  const {ui, dispatch} = keys;
  const pane: PaneName = ui.pane;

  const onBrowseKey = (input: string, key: Key) => {
    const binding = bindingFor(input, key, pane);
    if (!binding) {
      const hint = elsewhereHint(input, key, pane);
      if (hint !== undefined) dispatch({type: 'status', message: {text: hint, tone: 'warn'}});
      return hint !== undefined;
    }
    switch (binding.action) {
      case 'quit':
        keys.quit();
        break;
      case 'help':
        dispatch({type: 'open', mode: {kind: 'help'}});
        break;
      case 'back':
        if (ui.filters[pane] !== '') dispatch({type: 'setFilter', pane, text: ''});
        else dispatch({type: 'status', message: null});
        break;
      case 'nextPane':
      case 'previousPane': {
        const at = PANES.indexOf(pane);
        dispatch({type: 'showPane', pane: PANES[(at + (binding.action === 'nextPane' ? 1 : PANES.length - 1)) % PANES.length]!});
        break;
      }
      case 'up':
        keys.select(keys.selectedIndex - 1);
        break;
      case 'down':
        keys.select(keys.selectedIndex + 1);
        break;
      case 'pageUp':
        keys.select(keys.selectedIndex - keys.pageSize);
        break;
      case 'pageDown':
        keys.select(keys.selectedIndex + keys.pageSize);
        break;
      case 'top':
        keys.select(0);
        break;
      case 'bottom':
        keys.select(keys.rowCount - 1);
        break;
      case 'selectServer': {
        const wanted = Number(input) - 1;
        if (wanted < keys.serverCount) dispatch({type: 'showServer', index: wanted});
        break;
      }
      case 'nextServer':
        if (keys.serverCount > 0) dispatch({type: 'showServer', index: (keys.current + 1) % keys.serverCount});
        break;
      case 'previousServer':
        if (keys.serverCount > 0) dispatch({type: 'showServer', index: (keys.current - 1 + keys.serverCount) % keys.serverCount});
        break;
      case 'details':
        if (keys.hasSelection) dispatch({type: 'open', mode: {kind: 'details'}});
        else dispatch({type: 'status', message: {text: 'No row is selected (i shows the server)', tone: 'warn'}});
        break;
      case 'serverDetails':
        if (keys.serverCount > 0) dispatch({type: 'open', mode: {kind: 'details', server: true}});
        break;
      case 'sortColumn':
      case 'sortFlip': {
        keys.sort(binding.action === 'sortFlip');
        break;
      }
      case 'filter':
        dispatch({type: 'open', mode: {kind: 'filter'}});
        break;
      default:
        keys.act(binding.action);
    }
    return true;
  };

  const onDetailsKey = (input: string, key: Key) => {
    const action = modalActionFor('details', input, key);
    if (action === 'back') dispatch({type: 'close'});
    else if (action === 'previousRow') keys.select(keys.selectedIndex - 1);
    else if (action === 'nextRow') keys.select(keys.selectedIndex + 1);
    return action !== undefined;
  };

  const onFilterKey = (input: string, key: Key) => {
    const action = modalActionFor('filter', input, key);
    if (action === 'clearFilter') dispatch({type: 'setFilter', pane, text: ''});
    if (action !== undefined) dispatch({type: 'close'});
    return action !== undefined;
  };

  const live = !ui.quitting;
  useKeys(onBrowseKey, {active: ui.mode.kind === 'browse' && live, priority: KEY_PRIORITY.panes});
  useKeys(onDetailsKey, {active: ui.mode.kind === 'details' && live, priority: KEY_PRIORITY.modal});
  useKeys(onFilterKey, {active: ui.mode.kind === 'filter' && live, priority: KEY_PRIORITY.modal});
  // Ctrl-C quits from anywhere, even in a form, asking first there while own tunnels are open (in the panes, KEYMAP's quit has it).
  useKeys(
    (input, key) => {
      if (!isQuitKey(input, key)) return false;
      keys.interrupt();
      return true;
    },
    {active: ui.mode.kind !== 'browse', priority: KEY_PRIORITY.global},
  );
}
