/** The `?` overlay, generated from the keymap: two columns when wide enough, scrollable when short. */
import {Box, Text} from 'ink';
import {useState} from 'react';
import {fit} from '../format.js';
import {helpSections, modalActionFor} from './keymap.js';
import {tone, useTheme} from './theme.js';
import {KEY_PRIORITY, useKeys} from './use-keys.js';

interface Line {
  kind: 'title' | 'row' | 'blank';
  keys?: string;
  text: string;
}

function sectionLines(sections: ReturnType<typeof helpSections>, ascii: boolean): Line[][] {
  return sections.map((section) => [
    {kind: 'title', text: section.group},
    ...section.rows.map((row): Line => ({kind: 'row', keys: ascii ? row.keys.replace('↑ ↓', 'Up Dn') : row.keys, text: row.help})),
  ]);
}

/** The help as lines of at most `width` characters. */
export function helpLines(width: number, ascii: boolean): Line[][] {
  const groups = sectionLines(helpSections(), ascii);
  if (width < 76) {
    const column: Line[] = [];
    for (const group of groups) column.push(...group, {kind: 'blank', text: ''});
    return [column];
  }
  // Two columns: navigation, servers and general on the left, actions on the right.
  const left: Line[] = [];
  const right: Line[] = [];
  for (const group of groups) {
    const target = group[0]!.text === 'Actions' ? right : left;
    if (target.length > 0) target.push({kind: 'blank', text: ''});
    target.push(...group);
  }
  return [left, right];
}

export function HelpOverlay({width, height, onClose}: {width: number; height: number; onClose: () => void}) {
  const theme = useTheme();
  const [offset, setOffset] = useState(0);
  const columns = helpLines(width, theme.ascii);
  const longest = Math.max(...columns.map((column) => column.length));
  const body = Math.max(1, height - 1);
  const maxOffset = Math.max(0, longest - body);
  useKeys(
    (input, key) => {
      const action = modalActionFor('help', input, key);
      if (action === 'close') onClose();
      else if (action === 'scrollDown') setOffset((value) => Math.min(maxOffset, value + 1));
      else if (action === 'scrollUp') setOffset((value) => Math.max(0, value - 1));
      else if (action === 'pageDown') setOffset((value) => Math.min(maxOffset, value + body));
      else if (action === 'pageUp') setOffset((value) => Math.max(0, value - body));
      return action !== undefined;
    },
    {priority: KEY_PRIORITY.modal},
  );
  const columnWidth = Math.floor((width - 1) / columns.length);
  const keysWidth = 10;
  const render = (line: Line | undefined, key: string) => {
    if (!line || line.kind === 'blank') return <Text key={key}>{' '.repeat(columnWidth)}</Text>;
    if (line.kind === 'title') {
      return (
        <Text key={key} bold color={tone(theme, 'accent')}>
          {fit(` ${line.text}`, columnWidth)}
        </Text>
      );
    }
    return (
      <Text key={key}>
        <Text bold>{fit(`  ${line.keys}`, keysWidth + 2)}</Text>
        {fit(line.text, columnWidth - keysWidth - 2, 'left', theme.ascii)}
      </Text>
    );
  };
  const lines = [];
  for (let index = 0; index < body; index += 1) {
    lines.push(
      <Text key={index} wrap="truncate-end">
        {columns.map((column, at) => render(column[offset + index], `${at}`))}
      </Text>,
    );
  }
  const more = maxOffset > 0 ? `  (${offset < maxOffset ? 'j/k scroll' : 'end'})` : '';
  return (
    <Box flexDirection="column" height={height}>
      <Text bold wrap="truncate-end">
        {`Keys${more}  -  Esc or ? closes`}
      </Text>
      {lines}
    </Box>
  );
}
