/** A confirmation for a destructive action: y runs it, n or Esc cancels; a refusal is shown verbatim. */
import {Box, Text} from 'ink';
import type {StatusMessage} from './chrome.js';
import {modalActionFor} from './keymap.js';
import {tone, useTheme} from './theme.js';
import {KEY_PRIORITY, useKeys} from './use-keys.js';
import {useSubmission} from './use-submission.js';

export interface ConfirmSpec {
  title: string;
  /** What will happen, one line each. */
  lines: string[];
  run(): Promise<StatusMessage>;
}

/** Asked on Ctrl-C in a form while the console's own tunnels are open (quitting closes them). */
export function quitConfirm(ownTunnels: number, quit: () => void): ConfirmSpec {
  return {
    title: `Quit? The console's ${ownTunnels} tunnel(s) close.`,
    lines: ['n goes back to the form as it was. Ctrl-C again quits too.'],
    async run() {
      quit();
      return {text: `Closing the console's ${ownTunnels} tunnel(s)...`, tone: 'muted'};
    },
  };
}

export function Confirm({spec, height, onDone, onCancel}: {spec: ConfirmSpec; height: number; onDone(message: StatusMessage): void; onCancel(): void}) {
  const theme = useTheme();
  const {busy, refusal, submit} = useSubmission(onDone);
  useKeys(
    (input, key) => {
      const action = modalActionFor('confirm', input, key);
      if (action === 'yes') submit(() => spec.run());
      else if (action === 'no') onCancel();
      return action !== undefined;
    },
    {active: !busy, priority: KEY_PRIORITY.modal},
  );
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
