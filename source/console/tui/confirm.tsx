/** A confirmation for a destructive action: y runs it, n or Esc cancels; a refusal is shown verbatim. */
import {Box, Text} from 'ink';
import {useState} from 'react';
import {ServerRefusedError} from '../../client/client-errors.js';
import {messageOf} from '../../protocol/errors.js';
import type {StatusMessage} from './chrome.js';
import {tone, useTheme} from './theme.js';
import {useKeys} from './use-keys.js';

export interface ConfirmSpec {
  title: string;
  /** What will happen, one line each. */
  lines: string[];
  run(): Promise<StatusMessage>;
}

export function Confirm({spec, height, onDone, onCancel}: {spec: ConfirmSpec; height: number; onDone(message: StatusMessage): void; onCancel(): void}) {
  const theme = useTheme();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  useKeys((input, key) => {
    if (input === 'y' || input === 'Y') {
      setBusy(true);
      setRefusal(null);
      spec.run().then(onDone, (error: unknown) => {
        setBusy(false);
        setRefusal(error instanceof ServerRefusedError ? `The server refused: ${messageOf(error)}` : messageOf(error));
      });
    } else if (input === 'n' || input === 'N' || key.escape || input === 'q') {
      onCancel();
    }
  }, !busy);
  const lines = [
    <Text key="title" bold color={tone(theme, 'warn')} wrap="truncate-end">
      {spec.title}
    </Text>,
    <Text key="gap"> </Text>,
    ...spec.lines.map((line, index) => (
      <Text key={`line-${index}`} wrap="truncate-end">
        {`  ${line}`}
      </Text>
    )),
    <Text key="gap2"> </Text>,
    busy ? (
      <Text key="busy" color={tone(theme, 'warn')}>
        Working...
      </Text>
    ) : refusal !== null ? (
      <Text key="refusal" color={tone(theme, 'error')} wrap="wrap">
        {refusal}
      </Text>
    ) : (
      <Text key="ask" bold wrap="truncate-end">
        y: yes, do it    n or Esc: no
      </Text>
    ),
  ];
  return (
    <Box flexDirection="column" height={height} overflowY="hidden">
      {lines}
    </Box>
  );
}
